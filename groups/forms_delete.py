"""Deleting a stateful node: the deallocation choices Spot's API takes, all keeping by default."""

from __future__ import annotations

from typing import Any

from django import forms

# (form field, deallocationConfig key, label): ticked means "delete it with the node".
RESOURCES = [
    ("deallocate_network", "networkDeallocationConfig", "Delete its network interface"),
    ("deallocate_disks", "diskDeallocationConfig", "Delete its OS and data disks"),
    ("deallocate_snapshots", "snapshotDeallocationConfig", "Delete its disk snapshots"),
    ("deallocate_public_ip", "publicIpDeallocationConfig", "Release its public IP"),
]


class DeleteNodeForm(forms.Form):
    """Nothing is destroyed unless ticked: the VM keeps running and every resource is kept."""

    terminate_vm = forms.BooleanField(required=False, label="Terminate the VM")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, _key, label in RESOURCES:
            self.fields[name] = forms.BooleanField(required=False, label=label)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-check-input"

    def deallocation_config(self) -> dict[str, Any]:
        """Spot's deallocationConfig for DELETE /azure/compute/statefulNode/{id}."""
        data = self.cleaned_data
        config: dict[str, Any] = {"shouldTerminateVm": bool(data.get("terminate_vm"))}
        for name, key, _label in RESOURCES:
            config[key] = {"shouldDeallocate": bool(data.get(name))}
        return config
