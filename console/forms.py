from __future__ import annotations

from django import forms

from .members import INVITATION_LIFETIMES
from .models import Role


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        max_length=100,
        help_text="What the token is for, e.g. “CI pipeline” or “Terraform”.",
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off"}),
    )


class InvitationCreateForm(forms.Form):
    role = forms.ChoiceField(
        choices=Role.choices,
        initial=Role.VIEWER,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    days = forms.TypedChoiceField(
        label="Valid for",
        coerce=int,
        choices=list(INVITATION_LIFETIMES.items()),
        initial=7,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    note = forms.CharField(
        label="For (optional)",
        max_length=100,
        required=False,
        help_text="Whom it is for, so you recognise it in the list.",
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off"}),
    )


class JoinForm(forms.Form):
    code = forms.CharField(
        label="Invitation code",
        max_length=100,
        widget=forms.TextInput(
            attrs={
                "class": "form-control font-monospace",
                "autocomplete": "off",
                "spellcheck": "false",
            }
        ),
    )


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(required=False)
    object_type = forms.ChoiceField(required=False, label="Object type")

    def __init__(
        self, *args: object, actions: list[str], object_types: list[str], **kwargs: object
    ):
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        action, object_type = self.fields["action"], self.fields["object_type"]
        assert isinstance(action, forms.ChoiceField)
        assert isinstance(object_type, forms.ChoiceField)
        action.choices = [("", "Any action"), *((a, a) for a in actions)]
        object_type.choices = [("", "Any object type"), *((t, t) for t in object_types)]
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select form-select-sm"
