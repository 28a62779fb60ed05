"""The Azure VM sizes offered by the editor (on-demand and spot), and the OS choices.

A shipped list of common general-purpose, compute-, memory- and storage-optimised and GPU
sizes; Spot's API spells sizes in lower case ("standard_d2s_v5").
"""

from __future__ import annotations

OS_CHOICES: list[tuple[str, str]] = [("Linux", "Linux"), ("Windows", "Windows")]

_FAMILIES: dict[str, list[str]] = {
    "General purpose": [
        "Standard_A1_v2", "Standard_A2_v2", "Standard_A4_v2", "Standard_A8_v2",
        "Standard_B1s", "Standard_B1ms", "Standard_B2s", "Standard_B2ms", "Standard_B4ms",
        "Standard_B8ms", "Standard_D2s_v3", "Standard_D4s_v3", "Standard_D8s_v3",
        "Standard_D2_v4", "Standard_D4_v4", "Standard_D2s_v4", "Standard_D4s_v4",
        "Standard_D2s_v5", "Standard_D4s_v5", "Standard_D8s_v5", "Standard_D16s_v5",
        "Standard_D32s_v5", "Standard_D2as_v5", "Standard_D4as_v5", "Standard_D8as_v5",
        "Standard_D2ds_v5", "Standard_D4ds_v5", "Standard_D2ps_v5", "Standard_D4ps_v5",
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
