"""Public Azure regions and the normalised region names ARM uses ("East US 2" -> "eastus2")."""

from __future__ import annotations

import re

# (name, display name) of the public Azure regions, as `az account list-locations` spells them.
AZURE_REGIONS: list[tuple[str, str]] = [
    ("australiacentral", "Australia Central"),
    ("australiaeast", "Australia East"),
    ("australiasoutheast", "Australia Southeast"),
    ("brazilsouth", "Brazil South"),
    ("canadacentral", "Canada Central"),
    ("canadaeast", "Canada East"),
    ("centralindia", "Central India"),
    ("centralus", "Central US"),
    ("eastasia", "East Asia"),
    ("eastus", "East US"),
    ("eastus2", "East US 2"),
    ("francecentral", "France Central"),
    ("germanywestcentral", "Germany West Central"),
    ("israelcentral", "Israel Central"),
    ("italynorth", "Italy North"),
    ("japaneast", "Japan East"),
    ("japanwest", "Japan West"),
    ("koreacentral", "Korea Central"),
    ("koreasouth", "Korea South"),
    ("mexicocentral", "Mexico Central"),
    ("newzealandnorth", "New Zealand North"),
    ("northcentralus", "North Central US"),
    ("northeurope", "North Europe"),
    ("norwayeast", "Norway East"),
    ("polandcentral", "Poland Central"),
    ("qatarcentral", "Qatar Central"),
    ("southafricanorth", "South Africa North"),
    ("southcentralus", "South Central US"),
    ("southeastasia", "Southeast Asia"),
    ("southindia", "South India"),
    ("spaincentral", "Spain Central"),
    ("swedencentral", "Sweden Central"),
    ("switzerlandnorth", "Switzerland North"),
    ("uaenorth", "UAE North"),
    ("uksouth", "UK South"),
    ("ukwest", "UK West"),
    ("westcentralus", "West Central US"),
    ("westeurope", "West Europe"),
    ("westindia", "West India"),
    ("westus", "West US"),
    ("westus2", "West US 2"),
    ("westus3", "West US 3"),
]

# Azure Government and Azure China (the usgov and china clouds).
SOVEREIGN_REGIONS: list[tuple[str, str]] = [
    ("usgovarizona", "US Gov Arizona"),
    ("usgovtexas", "US Gov Texas"),
    ("usgovvirginia", "US Gov Virginia"),
    ("usdodcentral", "US DoD Central"),
    ("usdodeast", "US DoD East"),
    ("chinaeast", "China East"),
    ("chinaeast2", "China East 2"),
    ("chinaeast3", "China East 3"),
    ("chinanorth", "China North"),
    ("chinanorth2", "China North 2"),
    ("chinanorth3", "China North 3"),
]

REGION_DISPLAY_NAMES: dict[str, str] = dict(AZURE_REGIONS + SOVEREIGN_REGIONS)

_NOT_NAME_CHARACTERS = re.compile(r"[^a-z0-9]")


def normalize_region(name: str) -> str:
    """ARM's region name for a display name or a name: "East US 2" -> "eastus2"."""
    return _NOT_NAME_CHARACTERS.sub("", (name or "").lower())


def region_display_name(name: str) -> str:
    """ "eastus2" -> "East US 2"; unknown (sovereign, sandbox) regions are shown as they are."""
    key = normalize_region(name)
    return REGION_DISPLAY_NAMES.get(key, name)


def region_problem(value: str, *, in_inventory: bool = False) -> str | None:
    """Why `value` is not an Azure region name (as ARM spells it: "eastus2"), or None.

    Regions of a custom cloud (Azure Stack Hub's "local") are known from the inventory.
    """
    if value.lower() in REGION_DISPLAY_NAMES or in_inventory:
        return None
    suggestion = normalize_region(value)
    if suggestion in REGION_DISPLAY_NAMES:
        return f'Use the region\'s name as Azure spells it: "{suggestion}".'
    return f'"{value[:64]}" is not an Azure region; use a name like eastus or westeurope.'
