"""The group editor's form, built from the field table (groups.spot.fields): one input per row
with a tab, named by the row (or by the Shared Image cascade's parameter), limits from its rule.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django import forms
from django.urls import reverse
from django.utils.choices import BaseChoiceIterator, normalize_choices

from galleries.models import OS_CHOICES
from galleries.regions import AZURE_REGIONS, SOVEREIGN_REGIONS

from ..models import Kind
from ..spot.field_lookups import tab_of
from ..spot.fields import BOOLEAN, INTEGER, Field, editor_fields
from ..vm_sizes import VM_SIZE_CHOICES


class FixedChoices(BaseChoiceIterator):
    """A long, fixed list of choices normalized once: Django normalizes a plain list each time
    a field or its widget is given it, which for the regions and VM sizes was most of the cost
    of building the form on every request."""

    def __init__(self, choices: Any) -> None:
        self.choices = normalize_choices(choices)

    def __iter__(self) -> Iterator[Any]:
        return iter(self.choices)


REGION_CHOICES = FixedChoices(
    [
        ("", "Choose a region…"),
        ("Azure", AZURE_REGIONS),
        ("Azure Government and Azure China", SOVEREIGN_REGIONS),
    ]
)
SIZE_CHOICES = FixedChoices(VM_SIZE_CHOICES)
# htmx reloads parts of the cascade when these change (see the editor template).
CASCADE_ATTRS = {"data-cascade": ""}
# Inputs whose value may be one the list does not offer (set through the API).
OPEN_CHOICES = ("od_sizes", "spot_sizes", "region", "preferred_zone")
# Free text with suggestions from the cached inventory (galleries/network/_options.html).
NETWORK_SUGGESTIONS = {
    "network_resource_group_name": "network-rg-options",
    "virtual_network_name": "network-vnet-options",
    "subnet_name": "network-subnet-options",
}
# Widgets that show a rule's limits (maxlength, min, max) on the input itself.
LIMITED_WIDGETS = ("", "textarea", "password")


def form_field(row: Field) -> forms.Field:
    """The form input of one table row."""
    label = row.label
    if row.widget == "region":
        return forms.ChoiceField(
            choices=REGION_CHOICES, required=False, label=label, widget=forms.Select(CASCADE_ATTRS)
        )
    if row.widget == "os":
        return forms.ChoiceField(
            choices=OS_CHOICES, label=label, widget=forms.Select(CASCADE_ATTRS)
        )
    if row.widget == "checkboxes":  # rendered as filterable lists by groups/_sizes.html
        return forms.MultipleChoiceField(
            choices=SIZE_CHOICES,
            required=False,
            label=label,
            widget=forms.CheckboxSelectMultiple,
        )
    if row.widget in ("select", "radio"):
        return forms.ChoiceField(
            choices=row.choices,
            required=row.form_required,
            label=label,
            help_text=row.help_text,
            widget=forms.RadioSelect if row.widget == "radio" else forms.Select,
        )
    if row.type == INTEGER:
        return forms.IntegerField(required=False, label=label)
    if row.type == BOOLEAN:
        return forms.BooleanField(required=False, label=label)
    if row.widget == "password":
        return forms.CharField(
            required=False,
            label=label,
            strip=False,
            widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
            help_text=row.help_text,
        )
    widget = forms.Textarea(attrs={"rows": row.rows}) if row.widget == "textarea" else None
    return forms.CharField(required=False, label=label, widget=widget, help_text=row.help_text)


def _with_current(choices: list, current: Any) -> list | None:
    """Keep a value the list does not offer (set through the API) selectable, not dropped:
    the choices with an "Other" group of such values, or None when the list offers them all."""
    values = [value for value in (current if isinstance(current, list) else [current]) if value]
    if not values:
        return None
    known = {value for _, group in choices if isinstance(group, list) for value, _ in group}
    known |= {value for value, label in choices if not isinstance(label, list)}
    extra = [(value, f"{value} (not in the usual list)") for value in values if value not in known]
    return [*choices, ("Other", extra)] if extra else None


class GroupEditorForm(forms.Form):
    revision = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, kind: str = Kind.STATELESS, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = Kind(kind)
        rows = editor_fields(self.kind)
        self.fields = {
            **{row.name: form_field(row) for row in rows},
            "revision": self.fields["revision"],
        }
        for name in OPEN_CHOICES:
            if name in self.fields:
                field = self.fields[name]
                choices = _with_current(list(field.choices), self._current(name))  # type: ignore[attr-defined]
                if choices is not None:
                    field.choices = choices  # type: ignore[attr-defined]
        os_name = self._current("os") or "Linux"
        for row in rows:
            rule = row.rule_for(self.kind, os_name)
            if rule is not None and row.widget in LIMITED_WIDGETS:
                self.fields[row.name].widget.attrs.update(rule.input_attrs())
        for field in self.fields.values():
            if not isinstance(
                field.widget, forms.CheckboxInput | forms.RadioSelect | forms.CheckboxSelectMultiple
            ):
                css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
                field.widget.attrs.setdefault("class", css)
        for name, options in NETWORK_SUGGESTIONS.items():
            if name in self.fields:
                self.fields[name].widget.attrs.update({"list": options, "autocomplete": "off"})
        # Changing the OS re-filters the images; changing the region re-filters the versions.
        self._reloads("os", "image_name")
        self._reloads("region", "version_name")
        # Needed to create (a draft needs only a name): marked in the page and for screen readers.
        self.required_names = frozenset(row.name for row in rows if row.required)
        for name in self.required_names:
            self.fields[name].widget.attrs["aria-required"] = "true"

    def _reloads(self, name: str, level: str) -> None:
        self.fields[name].widget.attrs.update(
            {
                "hx-get": reverse("cascade:level", args=[level]),
                "hx-trigger": "change",
                "hx-target": f"#level-{level}",
                "hx-swap": "outerHTML",
                "hx-include": "[data-cascade]",
            }
        )

    def mark_invalid(self) -> None:
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()

    def _current(self, name: str) -> Any:
        if self.is_bound:
            data = self.data
            return (
                data.getlist(name)
                if hasattr(data, "getlist") and name in ("od_sizes", "spot_sizes")
                else data.get(name)
            )
        return self.initial.get(name)

    def tab_of(self, field_name: str) -> str:
        return tab_of(field_name)
