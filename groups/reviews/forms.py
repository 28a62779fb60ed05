"""The review forms: the organization's policy, and each step's posted fields."""

from __future__ import annotations

from django import forms

from console.models import Role

from .models import HealthCode

_CHECKS = forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"})


def _switch(label: str, help_text: str = "") -> forms.BooleanField:
    return forms.BooleanField(
        label=label,
        required=False,
        help_text=help_text,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )


class PolicyForm(forms.Form):
    approvals_required = forms.IntegerField(
        label="Approvals required before a change is applied",
        min_value=0,
        max_value=10,
        help_text="0 turns reviews off: an editor applies a change alone.",
        widget=forms.NumberInput(attrs={"class": "form-control"}),
    )
    approver_roles = forms.MultipleChoiceField(
        label="Who may approve or request changes",
        choices=Role.choices,
        widget=_CHECKS,
        error_messages={"required": "Choose at least one role that may review."},
    )
    admin_bypass = _switch(
        "Admins may apply without the approvals, giving a reason that is recorded"
    )
    api_requires_review = _switch(
        "Changes through the Spot API wait for review too",
        "Off: a create or update through Spot's API applies at once, as Spot does.",
    )
    reapproval_conditions = forms.MultipleChoiceField(
        label="Image health changes that dismiss approvals",
        choices=HealthCode.choices,
        required=False,
        widget=_CHECKS,
    )


class StepForm(forms.Form):
    """A review step posted from the review page: which version it was decided on, and text."""

    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    text = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 3}),
    )
