"""Azure's own rules for the names and values a group or a subscription sends to Azure.

Sources (learn.microsoft.com):
- NAMING: azure/azure-resource-manager/management/resource-name-rules
  (Microsoft.Resources, Microsoft.Network, Microsoft.Compute sections)
- OS_PROFILE: rest/api/compute/virtual-machines/create-or-update#osprofile
  (adminUsername, adminPassword, customData)
- SSH: azure/virtual-machines/linux/mac-create-ssh-keys (supported key types and sizes)
- LIMITS: azure/azure-resource-manager/management/azure-subscription-service-limits
- TAGS: azure/azure-resource-manager/management/tag-resources#limitations
"""

from __future__ import annotations

import base64
import binascii
import uuid

from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from cryptography.hazmat.primitives.serialization import load_ssh_public_key

from console.rules import NumberRule, TextRule

from .regions import region_problem

NAMING = "Azure resource naming rules"
OS_PROFILE = "Azure OSProfile (REST API)"

# --- identifiers ------------------------------------------------------------------------------


def _guid_rule(label: str) -> TextRule:
    """Tenant, client (application) and subscription ids are GUIDs."""

    def check(value: str) -> str | None:
        try:
            uuid.UUID(value.strip())
        except ValueError:
            return f"Enter the {label} as a GUID, e.g. 00000000-0000-0000-0000-000000000000."
        return None

    return TextRule(label.capitalize(), max_length=38, check=check, source="Entra ID")


def normalized_guid(value: str) -> str:
    return str(uuid.UUID(value.strip()))


SUBSCRIPTION_ID = _guid_rule("subscription id")
TENANT_ID = _guid_rule("tenant id")
CLIENT_ID = _guid_rule("client id")

# Entra ID client secrets are about 40 characters; anything far longer is not one.
CLIENT_SECRET = TextRule("Client secret", max_length=1_024, source="Entra ID")

# --- resource names (NAMING) ------------------------------------------------------------------

RESOURCE_GROUP_NAME = TextRule(
    "Resource group",
    max_length=90,
    # Letters and digits of any script (\w), underscores, hyphens, periods and parentheses.
    pattern=r"[\w.()-]*[\w()-]",
    pattern_message=(
        "A resource group name may use letters, digits, underscores, hyphens, periods and "
        "parentheses, and can't end with a period."
    ),
    source=NAMING,
)
_ALNUM = "a-zA-Z0-9"
VIRTUAL_NETWORK_NAME = TextRule(
    "Virtual network",
    min_length=2,
    max_length=64,
    pattern=rf"[{_ALNUM}][{_ALNUM}_.-]*[{_ALNUM}_]",
    pattern_message=(
        "A virtual network name uses letters, digits, underscores, periods and hyphens; it "
        "starts with a letter or digit and ends with a letter, digit or underscore."
    ),
    source=NAMING,
)
SUBNET_NAME = TextRule(
    "Subnet",
    max_length=80,
    pattern=rf"[{_ALNUM}]([{_ALNUM}_.-]*[{_ALNUM}_])?",
    pattern_message=(
        "A subnet name uses letters, digits, underscores, periods and hyphens; it starts with "
        "a letter or digit and ends with a letter, digit or underscore."
    ),
    source=NAMING,
)
GALLERY_NAME = TextRule(
    "Gallery",
    max_length=80,
    pattern=rf"[{_ALNUM}]([{_ALNUM}_.]*[{_ALNUM}])?",
    pattern_message=(
        "A gallery name uses letters, digits, underscores and periods, and starts and ends "
        "with a letter or digit."
    ),
    source=NAMING,
)
GALLERY_IMAGE_NAME = TextRule(
    "Image name",
    max_length=80,
    pattern=rf"[{_ALNUM}]([{_ALNUM}_.-]*[{_ALNUM}])?",
    pattern_message=(
        "An image definition name uses letters, digits, underscores, hyphens and periods, and "
        "starts and ends with a letter or digit."
    ),
    source=NAMING,
)
MANAGED_IMAGE_NAME = TextRule(
    "Image name",
    max_length=80,
    pattern=rf"[{_ALNUM}]([{_ALNUM}_.-]*[{_ALNUM}_])?",
    pattern_message=(
        "An image name uses letters, digits, underscores, periods and hyphens; it starts with "
        "a letter or digit and ends with a letter, digit or underscore."
    ),
    source=NAMING,
)
_INT32_MAX = 2**31 - 1


def gallery_version_problem(value: str) -> str | None:
    """Gallery image versions are Major.Minor.Patch of 32-bit integers (or "latest")."""
    parts = value.split(".")
    if value == "latest":
        return None
    if len(parts) != 3 or not all(part.isascii() and part.isdigit() for part in parts):
        return f'Version must be "latest" or three numbers like 1.0.0 (got "{value[:40]}").'
    if any(int(part) > _INT32_MAX for part in parts):
        return f"Each number of a version is at most {_INT32_MAX:,}."
    return None


GALLERY_VERSION = TextRule("Version", max_length=64, check=gallery_version_problem, source=NAMING)
# Spot's vmName / vmNamePrefix descriptions repeat Azure's VM naming rules.
_VM_NAME_FORBIDDEN = "~!@#$%^&*()=+_[]{}\\|;:.'\",<>/?"


def _vm_name_rule(label: str, max_length: int) -> TextRule:
    def check(value: str) -> str | None:
        bad = sorted({c for c in value if c in _VM_NAME_FORBIDDEN or c.isspace()})
        if bad:
            return f"{label} can't contain spaces or these characters: {' '.join(bad)}"
        if value.endswith("-"):
            return f"{label} can't end with a hyphen."
        return None

    return TextRule(label, max_length=max_length, check=check, source=NAMING)


VM_NAME = _vm_name_rule("VM name", 64)
VM_NAME_PREFIX = _vm_name_rule("VM name prefix", 25)


# --- login (OS_PROFILE) -----------------------------------------------------------------------

_USER_NAME_FORBIDDEN = '\\/"[]:|<>+=;,?*@&'
RESERVED_USER_NAMES = frozenset(
    (
        *("administrator", "admin", "user", "user1", "test", "user2", "test1", "user3"),
        *("admin1", "1", "123", "a", "actuser", "adm", "admin2", "aspnet", "backup"),
        *("console", "david", "guest", "john", "owner", "root", "server", "sql", "support"),
        *("support_388945a0", "sys", "test2", "test3", "user4", "user5"),
    )
)


def _user_name_problem(value: str) -> str | None:
    if value.lower() in RESERVED_USER_NAMES:
        return f'Azure doesn\'t allow "{value}" as a user name; choose another.'
    bad = sorted({c for c in value if c in _USER_NAME_FORBIDDEN or c.isspace()})
    if bad:
        return f"A user name can't contain spaces or these characters: {' '.join(bad)}"
    if value.endswith("."):
        return "A user name can't end with a period."
    return None


# Per operating system (Linux, Windows).
USER_NAME = {
    os_name: TextRule("User name", max_length=longest, check=_user_name_problem, source=OS_PROFILE)
    for os_name, longest in (("Linux", 64), ("Windows", 20))
}
DISALLOWED_PASSWORDS = frozenset(
    (
        *("abc@123", "P@$$w0rd", "P@ssw0rd", "P@ssword123", "Pa$$word", "pass@word1"),
        *("Password!", "Password1", "Password22", "iloveyou!"),
    )
)


def _password_problem(value: str) -> str | None:
    kinds = (
        any(c.islower() for c in value),
        any(c.isupper() for c in value),
        any(c.isdigit() for c in value),
        any(not c.isalnum() for c in value),
    )
    if sum(kinds) < 3:
        return (
            "The password needs three of these four: a lowercase letter, an uppercase letter, "
            "a digit and a special character."
        )
    if value in DISALLOWED_PASSWORDS:
        return "Azure refuses this well-known password; choose another."
    return None


PASSWORD = {
    os_name: TextRule(
        "Password",
        min_length=shortest,
        max_length=longest,
        check=_password_problem,
        source=OS_PROFILE,
    )
    for os_name, shortest, longest in (("Linux", 6, 72), ("Windows", 8, 123))
}
SSH_KEY_TYPES = ("ssh-rsa", "ssh-ed25519")
SSH_RSA_MIN_BITS = 2048


def ssh_public_key_problem(value: str) -> str | None:
    """An OpenSSH public key line Azure accepts: RSA of 2048 bits or more, or Ed25519."""
    parts = value.strip().split()
    hint = "Paste an OpenSSH public key line, e.g. ssh-ed25519 AAAAC3… you@host."
    if len(parts) < 2:
        return f"This is not an SSH public key. {hint}"
    if parts[0] not in SSH_KEY_TYPES:
        return f"Azure accepts ssh-rsa and ssh-ed25519 keys, not {parts[0][:30]}."
    try:
        key = load_ssh_public_key(f"{parts[0]} {parts[1]}".encode())
    except (ValueError, TypeError, UnicodeEncodeError):
        return f"This SSH public key is damaged or incomplete. {hint}"
    if isinstance(key, rsa.RSAPublicKey) and key.key_size < SSH_RSA_MIN_BITS:
        bits = key.key_size
        return f"Azure needs RSA keys of at least {SSH_RSA_MIN_BITS} bits (this one has {bits})."
    if not isinstance(key, rsa.RSAPublicKey | ed25519.Ed25519PublicKey):
        return f"Azure accepts ssh-rsa and ssh-ed25519 keys, not {parts[0][:30]}."
    return None


SSH_PUBLIC_KEY = TextRule(
    "SSH public key", max_length=16_384, check=ssh_public_key_problem, source="Azure SSH keys"
)
CUSTOM_DATA_MAX_BYTES = 65_535


def custom_data_problem(value: str) -> str | None:
    try:
        decoded = base64.b64decode(value.strip(), validate=True)
    except (binascii.Error, ValueError):
        return "Custom data must be base64 text (encode your script first, e.g. base64 -w0)."
    if len(decoded) > CUSTOM_DATA_MAX_BYTES:
        return (
            f"Custom data can hold at most {CUSTOM_DATA_MAX_BYTES:,} bytes once decoded "
            f"(this holds {len(decoded):,})."
        )
    return None


CUSTOM_DATA = TextRule(
    "Custom data",
    max_length=(CUSTOM_DATA_MAX_BYTES + 2) // 3 * 4,
    check=custom_data_problem,
    source=OS_PROFILE,
)

REGION = TextRule("Region", max_length=64, check=region_problem, source="Azure regions")

# --- limits -----------------------------------------------------------------------------------

# "VMs per subscription: 25,000 per region" (LIMITS): no group can hold more.
MAX_VMS_PER_REGION = 25_000
TAG_KEY = TextRule(
    "Tag name",
    max_length=512,
    pattern=r"[^<>%&\\?/]*",
    pattern_message="A tag name can't contain < > % & \\ ? or /.",
    source="Azure tags",
)
TAG_VALUE = TextRule(
    "Tag value", min_length=0, max_length=256, allow_blank=True, source="Azure tags"
)
DISK_SIZE_GB = NumberRule("Disk size", 1, 1023, unit="GB", source="Spot (osDisk, dataDisks)")
DATA_DISK_LUN = NumberRule("Data disk LUN", 0, 63, source="Azure data disks")
