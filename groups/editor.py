"""The editor's translations: form data <-> EditorFields, and validation problems -> form fields."""

from __future__ import annotations

import dataclasses
import difflib
import json
from typing import Any

from console.models import Organization
from galleries.cascade.queries import ImageRow
from galleries.models import GalleryImage
from galleries.selectors import find_image

from .forms import CASCADE_TO_EDITOR, GroupEditorForm
from .spot_json import EditorFields
from .validation import Problem

# Spot JSON paths (longest prefix wins) -> the form field that shows the problem.
PROBLEM_FIELDS: dict[str, str] = {
    "name": "name",
    "description": "description",
    "region": "region",
    "resourceGroupName": "resource_group_name",
    "capacity": "capacity_target",
    "capacity.minimum": "capacity_minimum",
    "capacity.target": "capacity_target",
    "capacity.maximum": "capacity_maximum",
    "strategy": "fallback_to_od",
    "strategy.preferredLifecycle": "preferred_lifecycle",
    "persistence": "should_persist_os_disk",
    "persistence.shouldPersistDataDisks": "should_persist_data_disks",
    "persistence.shouldPersistNetwork": "should_persist_network",
    "compute": "os",
    "compute.os": "os",
    "compute.preferredZone": "preferred_zone",
    "compute.vmSizes": "od_sizes",
    "compute.vmSizes.odSizes": "od_sizes",
    "compute.vmSizes.spotSizes": "spot_sizes",
    "compute.launchSpecification": "image_type",
    "compute.launchSpecification.image": "image_type",
    "compute.launchSpecification.image.marketplace": "marketplace_publisher",
    "compute.launchSpecification.image.marketplace.publisher": "marketplace_publisher",
    "compute.launchSpecification.image.marketplace.offer": "marketplace_offer",
    "compute.launchSpecification.image.marketplace.sku": "marketplace_sku",
    "compute.launchSpecification.image.marketplace.version": "marketplace_version",
    "compute.launchSpecification.image.custom": "custom_image_name",
    "compute.launchSpecification.image.custom.resourceGroupName": "custom_resource_group_name",
    "compute.launchSpecification.image.custom.name": "custom_image_name",
    "compute.launchSpecification.image.gallery": "image_name",
    "compute.launchSpecification.image.gallery.spotAccountId": "spot_account_id",
    "compute.launchSpecification.image.gallery.resourceGroupName": "gallery_resource_group_name",
    "compute.launchSpecification.image.gallery.galleryName": "gallery_name",
    "compute.launchSpecification.image.gallery.imageName": "image_name",
    "compute.launchSpecification.image.gallery.version": "version_name",
    "compute.launchSpecification.image.gallery.versionName": "version_name",
    "compute.launchSpecification.network": "virtual_network_name",
    "compute.launchSpecification.network.resourceGroupName": "network_resource_group_name",
    "compute.launchSpecification.network.virtualNetworkName": "virtual_network_name",
    "compute.launchSpecification.network.networkInterfaces": "subnet_name",
    "compute.launchSpecification.login": "login_user_name",
    "compute.launchSpecification.login.userName": "login_user_name",
    "compute.launchSpecification.login.sshPublicKey": "login_ssh_public_key",
    "compute.launchSpecification.login.password": "login_password",
    "compute.launchSpecification.customData": "custom_data",
}


def form_field_for(path: str, form: GroupEditorForm) -> str | None:
    """The form field a problem at `path` belongs to, or None (then it is listed on its own)."""
    parts = path.split(".")
    while parts:
        name = PROBLEM_FIELDS.get(".".join(parts))
        if name is not None:
            return name if name in form.fields else None
        parts.pop()
    return None


def problems_by_field(
    problems: list[Problem], form: GroupEditorForm
) -> tuple[dict[str, list[Problem]], list[Problem]]:
    by_field: dict[str, list[Problem]] = {}
    general: list[Problem] = []
    for problem in problems:
        name = form_field_for(problem.field, form)
        if name is None:
            general.append(problem)
        else:
            by_field.setdefault(name, []).append(problem)
    return by_field, general


def initial_from_fields(fields: EditorFields, group_account_id: str) -> dict[str, Any]:
    initial = dataclasses.asdict(fields)
    initial.pop("login_password", None)
    for form_name, attribute in CASCADE_TO_EDITOR.items():
        initial[form_name] = initial.pop(attribute)
    initial["spot_account_id"] = initial["spot_account_id"] or group_account_id
    return initial


def fields_from_form(
    cleaned: dict[str, Any], group_account_id: str, original: EditorFields | None
) -> EditorFields:
    """EditorFields from the form; the group's own account needs no spotAccountId unless the
    group already spelled it out (so an API-made group keeps its JSON)."""
    values: dict[str, Any] = {}
    for item in dataclasses.fields(EditorFields):
        if item.name in cleaned:
            values[item.name] = cleaned[item.name]
    for form_name, attribute in CASCADE_TO_EDITOR.items():
        values[attribute] = cleaned.get(form_name) or ""
    if values["gallery_account_id"] == group_account_id and not (
        original is not None and original.gallery_account_id == group_account_id
    ):
        values["gallery_account_id"] = ""
    return EditorFields(**values)


def chosen_gallery_image(
    organization: Organization, group_account_id: str, fields: EditorFields
) -> GalleryImage | None:
    if fields.image_type != "gallery" or not fields.gallery_image_name:
        return None
    return find_image(
        organization,
        account_id=fields.gallery_account_id or group_account_id,
        resource_group_name=fields.gallery_resource_group_name,
        gallery_name=fields.gallery_name,
        image_name=fields.gallery_image_name,
    )


def is_specialized(image: GalleryImage | ImageRow | None) -> bool:
    return image is not None and image.os_state.lower() == "specialized"


def without_login(fields: EditorFields) -> EditorFields:
    """A specialized image keeps its own users: no login and no custom data."""
    return dataclasses.replace(
        fields, login_user_name="", login_ssh_public_key="", login_password="", custom_data=""
    )


def json_text(data: Any) -> str:
    return json.dumps(data, indent=2, sort_keys=True)


def unified_diff(before: Any, after: Any, before_name: str, after_name: str) -> list[str]:
    return list(
        difflib.unified_diff(
            json_text(before).splitlines(),
            json_text(after).splitlines(),
            fromfile=before_name,
            tofile=after_name,
            lineterm="",
        )
    )
