"""The VM size pickers: checkbox lists grouped by family, marked by the image's architecture."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from ..vm_sizes import ARM64, ARM64_FAMILIES, X64, size_choices_for

SUMMARY_NAMES = 3


@dataclass
class SizeOption:
    value: str
    label: str
    checked: bool


@dataclass
class SizeFamily:
    name: str
    architecture: str
    fits: bool
    options: list[SizeOption] = field(default_factory=list)


@dataclass
class SizePicker:
    name: str
    label: str
    families: list[SizeFamily]
    selected: list[str]
    errors: list[str]
    warnings: list[str]

    @property
    def families_html(self) -> SafeString:
        """The families and their checkboxes (groups/_sizes.html puts them in the list): a
        hundred-odd checkboxes each way, written here rather than by a template loop, which cost
        a tenth of the editor page."""
        name = escape(self.name)
        parts = []
        for family in self.families:
            other = "" if family.fits else " size-family-other"
            parts.append(
                f'\n    <div class="size-family{other}" data-size-family'
                f' data-architecture="{escape(family.architecture)}">'
                '\n      <div class="small text-body-secondary fw-semibold mt-1"'
                f' data-family-name="{escape(family.name)}">{escape(family.name)}</div>'
            )
            for option in family.options:
                value = escape(option.value)
                checked = " checked" if option.checked else ""
                parts.append(
                    '\n      <div class="form-check form-check-inline size-option">'
                    f'\n        <input class="form-check-input" type="checkbox" name="{name}"'
                    f' value="{value}" id="id_{name}_{value}"{checked}>'
                    f'\n        <label class="form-check-label" for="id_{name}_{value}">'
                    f"{escape(option.label)}</label>\n      </div>"
                )
            parts.append("\n    </div>")
        return mark_safe("".join(parts))  # noqa: S308 - every value is escaped right here

    @property
    def summary(self) -> str:
        """ "3 selected: D2s_v5, D4s_v5, D8s_v5" (the first few, without "Standard_")."""
        if not self.selected:
            return "None selected."
        short = [name.removeprefix("Standard_") for name in self.selected[:SUMMARY_NAMES]]
        more = ", …" if len(self.selected) > SUMMARY_NAMES else ""
        return f"{len(self.selected)} selected: {', '.join(short)}{more}"


def size_picker(
    bound: Any, warnings: list[str], architecture: str | None, errors: list[str]
) -> SizePicker:
    """A picker for the bound multiple-choice field; families that can't boot the image last."""
    raw = bound.value() or []
    chosen = {str(value).lower() for value in (raw if isinstance(raw, list) else [raw])}
    families: list[SizeFamily] = []
    labels: dict[str, str] = {}
    for family_name, choices in size_choices_for(architecture):
        base = family_name.split(" — ")[0]
        family_arch = ARM64 if base in ARM64_FAMILIES else X64
        family = SizeFamily(
            family_name, family_arch, not architecture or family_arch == architecture
        )
        for value, label in choices:
            family.options.append(SizeOption(value, label, value in chosen))
            labels[value] = label
        families.append(family)
    # A size set through the API that the shipped list lacks stays selectable (and selected).
    extra = [value for value in chosen if value not in labels]
    for family_name, choices in bound.field.choices:
        if family_name == "Other" and isinstance(choices, list):
            other = SizeFamily("Other", "", True)
            for value, label in choices:
                other.options.append(SizeOption(value, label, value in chosen))
                labels[value] = value
            families.append(other)
    selected = [labels.get(value, value) for value in _in_list_order(families, chosen, extra)]
    return SizePicker(bound.name, bound.label, families, selected, errors, warnings)


def _in_list_order(families: list[SizeFamily], chosen: set[str], extra: list[str]) -> list[str]:
    ordered = [o.value for family in families for o in family.options if o.value in chosen]
    return ordered + [value for value in extra if value not in ordered]
