"""The console's form renderer gives what Django's widget templates give, to the character."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from console.form_renderer import FormRenderer
from groups.editor.form import GroupEditorForm
from groups.models import Kind

TEMPLATES = DjangoTemplates()
WRITTEN_OUT = FormRenderer()

ATTRS: dict[str, Any] = {
    "class": "form-control",
    "required": True,
    "disabled": False,
    "maxlength": 64,
    "data-x": 'quote " and <tag> & amp',
    "data-safe": mark_safe("<b>kept</b>"),
    "hx-vals": '{"a": "b"}',
}
GROUPED = [
    ("", "Choose…"),
    ("Azure", [("eastus", "East US"), ("westus", "West <US> & co")]),
    ("Numbers", [(1, 1000), (2, gettext_lazy("Two"))]),
    ("x<y", [("a&b", mark_safe("<i>safe</i>"))]),
]
CASES: list[tuple[forms.Widget, Any]] = [
    (forms.TextInput(ATTRS), None),
    (forms.TextInput(), ""),
    (forms.TextInput(ATTRS), 'a "quoted" <value> & more'),
    (forms.TextInput(), mark_safe("<b>safe</b>")),
    (forms.NumberInput({"min": 0, "max": 10}), 0),
    (forms.NumberInput(), 12345),
    (forms.PasswordInput(render_value=False), "secret"),
    (forms.PasswordInput(render_value=True), "secret"),
    (forms.HiddenInput(), 3),
    (forms.EmailInput(), "a@example.com"),
    (forms.URLInput(), "https://example.com/?a=1&b=2"),
    (forms.DateInput(), datetime.date(2026, 1, 31)),
    (forms.CheckboxInput(), True),
    (forms.CheckboxInput(ATTRS), False),
    (forms.Textarea(ATTRS), "line one\n<line two> & three"),
    (forms.Textarea(), ""),
    (forms.Textarea(), None),
    (forms.Select(ATTRS, choices=GROUPED), "westus"),
    (forms.Select(choices=GROUPED), 1),
    (forms.Select(choices=GROUPED), "missing"),
    (forms.Select(choices=[]), None),
    (forms.SelectMultiple(choices=GROUPED), ["eastus", "a&b"]),
    (forms.NullBooleanSelect(), None),
    (forms.RadioSelect(choices=GROUPED), "eastus"),  # not written out: its templates
    (forms.CheckboxSelectMultiple(choices=GROUPED), ["eastus"]),
]


@pytest.mark.parametrize(("widget", "value"), CASES, ids=lambda case: type(case).__name__)
def test_each_widget_renders_as_its_template_does(widget: forms.Widget, value: Any) -> None:
    for attrs in (None, {"id": "id_field", "aria-describedby": "help"}):
        expected = widget.render("field", value, attrs, renderer=TEMPLATES)
        assert widget.render("field", value, attrs, renderer=WRITTEN_OUT) == expected


@pytest.mark.parametrize("kind", [Kind.STATELESS, Kind.STATEFUL])
def test_the_group_editor_renders_as_with_the_templates(kind: str) -> None:
    initial = {
        "name": "web <1>",
        "region": "eastus",
        "preferred_zone": "9",  # not in the list: offered under "Other"
        "od_sizes": ["Standard_D2s_v5", "Standard_Made_Up"],
        "capacity_target": 2,
        "custom_data": "a & b",
    }
    written_out = GroupEditorForm(initial=initial, kind=kind)
    templated = GroupEditorForm(initial=initial, kind=kind, renderer=TEMPLATES)
    assert isinstance(written_out.renderer, FormRenderer)
    for name in written_out.fields:
        assert str(written_out[name]) == str(templated[name]), name
