"""The group editor's form: one form whose sections are the editor's tabs.

Field names follow `spot_json.EditorFields`, except the Shared Image cascade, whose fields keep
the cascade's own names (`spot_account_id` … `version_name`, galleries.cascade.selection.FIELDS)
so that htmx fragments and full submits read the same parameters.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.urls import reverse

from galleries.regions import AZURE_REGIONS, SOVEREIGN_REGIONS

from .models import Kind
from .rules import IMAGE, LAUNCH, rule_at
from .vm_sizes import OS_CHOICES, VM_SIZE_CHOICES

IMAGE_TYPE_CHOICES = [
    ("gallery", "Shared Image"),
    ("marketplace", "Marketplace"),
    ("custom", "Custom"),
]
LIFECYCLE_CHOICES = [("spot", "Spot"), ("od", "On-demand")]
# Cascade form fields -> EditorFields attributes.
CASCADE_TO_EDITOR = {
    "spot_account_id": "gallery_account_id",
    "gallery_resource_group_name": "gallery_resource_group_name",
    "gallery_name": "gallery_name",
    "image_name": "gallery_image_name",
    "version_name": "gallery_version",
}
STATELESS_ONLY = ("capacity_minimum", "capacity_target", "capacity_maximum", "spot_sizes")
STATEFUL_ONLY = (
    "preferred_zone",
    "preferred_lifecycle",
    "should_persist_os_disk",
    "should_persist_data_disks",
    "should_persist_network",
)
# Form fields whose limits are groups.rules' (by Spot JSON path): the inputs show them
# (maxlength, min, max) and validate_spec checks them, with the API's message at the field.
RULED_FIELDS = {
    "name": "name",
    "description": "description",
    "resource_group_name": "resourceGroupName",
    "capacity_minimum": "capacity.minimum",
    "capacity_target": "capacity.target",
    "capacity_maximum": "capacity.maximum",
    "marketplace_publisher": f"{IMAGE}.marketplace.publisher",
    "marketplace_offer": f"{IMAGE}.marketplace.offer",
    "marketplace_sku": f"{IMAGE}.marketplace.sku",
    "marketplace_version": f"{IMAGE}.marketplace.version",
    "custom_resource_group_name": f"{IMAGE}.custom.resourceGroupName",
    "custom_image_name": f"{IMAGE}.custom.name",
    "network_resource_group_name": f"{LAUNCH}.network.resourceGroupName",
    "virtual_network_name": f"{LAUNCH}.network.virtualNetworkName",
    "subnet_name": f"{LAUNCH}.network.networkInterfaces.*.subnetName",
    "login_user_name": f"{LAUNCH}.login.userName",
    "login_ssh_public_key": f"{LAUNCH}.login.sshPublicKey",
    "login_password": f"{LAUNCH}.login.password",
    "custom_data": f"{LAUNCH}.customData",
}
# htmx reloads parts of the cascade when these change (see the editor template).
CASCADE_ATTRS = {"data-cascade": ""}


def _with_current(choices: list, current: Any) -> list:
    """Keep a value the list does not offer (set through the API) selectable, not dropped."""
    known = {value for _, group in choices if isinstance(group, list) for value, _ in group}
    known |= {value for value, label in choices if not isinstance(label, list)}
    values = current if isinstance(current, list) else [current]
    extra = [
        (value, f"{value} (not in the usual list)")
        for value in values
        if value and value not in known
    ]
    return [*choices, ("Other", extra)] if extra else choices


class GroupEditorForm(forms.Form):
    # General
    name = forms.CharField(required=False)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    region = forms.ChoiceField(
        choices=[
            ("", "Choose a region…"),
            ("Azure", AZURE_REGIONS),
            ("Azure Government and Azure China", SOVEREIGN_REGIONS),
        ],
        required=False,
        widget=forms.Select(attrs=CASCADE_ATTRS),
    )
    resource_group_name = forms.CharField(required=False, label="Resource group")
    capacity_minimum = forms.IntegerField(required=False, label="Minimum")
    capacity_target = forms.IntegerField(required=False, label="Target")
    capacity_maximum = forms.IntegerField(required=False, label="Maximum")
    # Compute
    os = forms.ChoiceField(
        choices=OS_CHOICES, label="Operating system", widget=forms.Select(attrs=CASCADE_ATTRS)
    )
    # Rendered as filterable checkbox lists by groups/_sizes.html (see editor_sizes).
    od_sizes = forms.MultipleChoiceField(
        choices=VM_SIZE_CHOICES,
        required=False,
        label="On-demand VM sizes",
        widget=forms.CheckboxSelectMultiple,
    )
    spot_sizes = forms.MultipleChoiceField(
        choices=VM_SIZE_CHOICES,
        required=False,
        label="Spot VM sizes",
        widget=forms.CheckboxSelectMultiple,
    )
    preferred_zone = forms.ChoiceField(
        choices=[("", "No preference"), ("1", "1"), ("2", "2"), ("3", "3")],
        required=False,
        label="Preferred zone",
        help_text="The availability zone to start the VM in, when the region has zones.",
    )
    preferred_lifecycle = forms.ChoiceField(
        choices=LIFECYCLE_CHOICES, required=False, label="Preferred lifecycle"
    )
    fallback_to_od = forms.BooleanField(required=False, label="Fall back to on-demand")
    should_persist_os_disk = forms.BooleanField(required=False, label="Persist the OS disk")
    should_persist_data_disks = forms.BooleanField(required=False, label="Persist data disks")
    should_persist_network = forms.BooleanField(required=False, label="Persist the network")
    image_type = forms.ChoiceField(
        choices=IMAGE_TYPE_CHOICES, widget=forms.RadioSelect, label="Image type"
    )
    marketplace_publisher = forms.CharField(required=False, label="Publisher")
    marketplace_offer = forms.CharField(required=False, label="Offer")
    marketplace_sku = forms.CharField(required=False, label="SKU")
    marketplace_version = forms.CharField(required=False, label="Version")
    custom_resource_group_name = forms.CharField(required=False, label="Image resource group")
    custom_image_name = forms.CharField(required=False, label="Image name")
    # The Shared Image cascade (rendered by the cascade templates, validated by validate_spec).
    spot_account_id = forms.CharField(required=False)
    gallery_resource_group_name = forms.CharField(required=False)
    gallery_name = forms.CharField(required=False)
    image_name = forms.CharField(required=False)
    version_name = forms.CharField(required=False)
    # Network
    network_resource_group_name = forms.CharField(required=False, label="Network resource group")
    virtual_network_name = forms.CharField(required=False, label="Virtual network")
    subnet_name = forms.CharField(required=False, label="Subnet")
    assign_public_ip = forms.BooleanField(required=False, label="Assign a public IP")
    # Login
    login_user_name = forms.CharField(required=False, label="User name")
    login_ssh_public_key = forms.CharField(
        required=False, label="SSH public key", widget=forms.Textarea(attrs={"rows": 3})
    )
    login_password = forms.CharField(
        required=False,
        label="Password",
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text="Write-only: leave empty to keep the stored password.",
    )
    custom_data = forms.CharField(
        required=False,
        label="Custom data (base64)",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    revision = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, kind: str = Kind.STATELESS, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = Kind(kind)
        dropped = STATEFUL_ONLY if self.kind == Kind.STATELESS else STATELESS_ONLY
        for name in dropped:
            del self.fields[name]
        for name in ("od_sizes", "spot_sizes", "region", "preferred_zone"):
            if name in self.fields:
                current = self._current(name)
                field = self.fields[name]
                field.choices = _with_current(list(field.choices), current)  # type: ignore[attr-defined]
        os_name = self._current("os") or "Linux"
        for name, path in RULED_FIELDS.items():
            if name in self.fields:
                rule = rule_at(path, self.kind, os_name)
                self.fields[name].widget.attrs.update(rule.input_attrs())
        for field in self.fields.values():
            if not isinstance(
                field.widget, forms.CheckboxInput | forms.RadioSelect | forms.CheckboxSelectMultiple
            ):
                css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
                field.widget.attrs.setdefault("class", css)
        # Changing the OS re-filters the images; changing the region re-filters the versions.
        self._reloads("os", "image_name")
        self._reloads("region", "version_name")

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
        return FIELD_TABS.get(field_name, "general")


FIELD_TABS: dict[str, str] = {
    **{name: "compute" for name in (
        "os", "od_sizes", "spot_sizes", "preferred_zone", "preferred_lifecycle", "fallback_to_od",
        "should_persist_os_disk", "should_persist_data_disks", "should_persist_network",
        "image_type", "marketplace_publisher", "marketplace_offer", "marketplace_sku",
        "marketplace_version", "custom_resource_group_name", "custom_image_name",
        *CASCADE_TO_EDITOR,
    )},
    **{name: "network" for name in (
        "network_resource_group_name", "virtual_network_name", "subnet_name", "assign_public_ip",
    )},
    **{name: "login" for name in (
        "login_user_name", "login_ssh_public_key", "login_password", "custom_data",
    )},
}  # fmt: skip
