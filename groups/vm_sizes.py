"""The Azure VM sizes offered by the editor (on-demand and spot).

A shipped list of common general-purpose, compute-, memory- and storage-optimised and GPU
sizes; Spot's API spells sizes in lower case ("standard_d2s_v5"). Each size runs either x64 or
Arm64 images: Azure's Arm64 (Ampere/Cobalt) sizes have a "p" after the vCPU count
(Standard_D2ps_v5, Standard_E4ps_v5, Standard_D2pls_v5, Standard_D4pds_v6).
"""

from __future__ import annotations

import re

_FAMILIES: dict[str, list[str]] = {
    "General purpose": [
        "Standard_A1_v2", "Standard_A2_v2", "Standard_A4_v2", "Standard_A8_v2",
        "Standard_B1s", "Standard_B1ms", "Standard_B2s", "Standard_B2ms", "Standard_B4ms",
        "Standard_B8ms", "Standard_D2s_v3", "Standard_D4s_v3", "Standard_D8s_v3",
        "Standard_D2_v4", "Standard_D4_v4", "Standard_D2s_v4", "Standard_D4s_v4",
        "Standard_D2s_v5", "Standard_D4s_v5", "Standard_D8s_v5", "Standard_D16s_v5",
        "Standard_D32s_v5", "Standard_D2as_v5", "Standard_D4as_v5", "Standard_D8as_v5",
        "Standard_D2ds_v5", "Standard_D4ds_v5",
    ],
    "General purpose, Arm64": [
        "Standard_D2ps_v5", "Standard_D4ps_v5", "Standard_D8ps_v5", "Standard_D2pds_v5",
        "Standard_D2pls_v5", "Standard_D4pls_v5", "Standard_D2ps_v6", "Standard_D4ps_v6",
    ],
    "Compute optimised": [
        "Standard_F2s_v2", "Standard_F4s_v2", "Standard_F8s_v2", "Standard_F16s_v2",
        "Standard_F32s_v2", "Standard_FX4mds",
    ],
    "Memory optimised": [
        "Standard_E2s_v3", "Standard_E4s_v3", "Standard_E8s_v3", "Standard_E2s_v5",
        "Standard_E4s_v5", "Standard_E8s_v5", "Standard_E16s_v5", "Standard_E32s_v5",
        "Standard_E4as_v5", "Standard_E8as_v5", "Standard_M8ms", "Standard_M16ms",
    ],
    "Memory optimised, Arm64": [
        "Standard_E2ps_v5", "Standard_E4ps_v5", "Standard_E8ps_v5", "Standard_E2pds_v5",
        "Standard_E4ps_v6",
    ],
    "Storage optimised": [
        "Standard_L8s_v2", "Standard_L16s_v2", "Standard_L8s_v3", "Standard_L16s_v3",
    ],
    "GPU": [
        "Standard_NC4as_T4_v3", "Standard_NC8as_T4_v3", "Standard_NC6s_v3",
        "Standard_NV6ads_A10_v5", "Standard_NV12ads_A10_v5", "Standard_ND96asr_v4",
    ],
}  # fmt: skip

VM_SIZES: list[str] = [size.lower() for sizes in _FAMILIES.values() for size in sizes]

# Grouped choices for a <select multiple>: (family, [(value, label), …]).
VM_SIZE_CHOICES: list[tuple[str, list[tuple[str, str]]]] = [
    (family, [(size.lower(), size) for size in sizes]) for family, sizes in _FAMILIES.items()
]

X64 = "x64"
ARM64 = "Arm64"
ARM64_FAMILIES = {"General purpose, Arm64", "Memory optimised, Arm64"}
# Standard_<family letters><vCPUs><p…>_v<n>: the "p" right after the vCPU count marks Arm64
# (Dpsv5, Dpdsv5, Dplsv5, Dpldsv5, Epsv5, Epdsv5 and their v6 successors).
_ARM64_NAME = re.compile(r"^standard_[a-z]+\d+p[a-z]*_v\d+$", re.IGNORECASE)

SIZE_ARCHITECTURE: dict[str, str] = {
    size.lower(): ARM64 if family in ARM64_FAMILIES else X64
    for family, sizes in _FAMILIES.items()
    for size in sizes
}


def size_architecture(size: str) -> str:
    """x64 or Arm64: from the shipped list, else from the size's name."""
    name = size.strip().lower()
    known = SIZE_ARCHITECTURE.get(name)
    if known is not None:
        return known
    return ARM64 if _ARM64_NAME.match(name) else X64


def normalize_architecture(value: str) -> str:
    """An image's architecture as Azure spells it; an empty one means x64 (Azure's default)."""
    return ARM64 if value.strip().lower() == "arm64" else X64


def size_choices_for(architecture: str | None) -> list[tuple[str, list[tuple[str, str]]]]:
    """The grouped choices with the families an image of `architecture` can't boot last, marked."""
    if not architecture:
        return VM_SIZE_CHOICES
    fits = [(f, c) for f, c in VM_SIZE_CHOICES if _family_architecture(f) == architecture]
    other = [
        (f"{family} — not for {architecture} images", choices)
        for family, choices in VM_SIZE_CHOICES
        if _family_architecture(family) != architecture
    ]
    return fits + other


def _family_architecture(family: str) -> str:
    return ARM64 if family in ARM64_FAMILIES else X64
