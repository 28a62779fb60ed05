"""The editor's translations: form data <-> the editor's values, and problems -> form fields."""

from __future__ import annotations

import difflib
import json
from typing import Any

from console.models import Organization
from galleries.cascade.selection import FIELDS as CASCADE_FIELDS, choosing
from galleries.models import GalleryImage
from galleries.selectors import find_image

from ..spot.field_lookups import input_for_problem
from ..spot.fields import BY_NAME, editor_fields
from ..spot.json import EditorValues, spec_from_editor_values, without_password
from ..validation.problems import Problem
from .form import GroupEditorForm


def form_field_for(path: str, form: GroupEditorForm) -> str | None:
    """The form field a problem at `path` belongs to, or None (then it is listed on its own)."""
    name = input_for_problem(path, form.kind)
    return name if name is not None and name in form.fields else None


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


def initial_from_values(values: EditorValues, kind: str, group_account_id: str) -> dict[str, Any]:
    """The form's initial data: each editor value under its input's name."""
    initial = {row.name: values[row.name] for row in editor_fields(kind) if not row.write_only}
    account = BY_NAME["spot_account_id"].name
    initial[account] = initial[account] or group_account_id
    return initial


def values_from_form(
    cleaned: dict[str, Any], kind: str, group_account_id: str, original: EditorValues | None
) -> EditorValues:
    """The editor's values from the form; the group's own account needs no spotAccountId unless
    the group already spelled it out (so an API-made group keeps its JSON)."""
    values: EditorValues = {}
    for row in editor_fields(kind):
        if row.name in cleaned:
            values[row.name] = cleaned[row.name]
        if row.widget == "cascade":
            values[row.name] = cleaned.get(row.name) or ""
    if values["spot_account_id"] == group_account_id and not (
        original is not None and original["spot_account_id"] == group_account_id
    ):
        values["spot_account_id"] = ""
    return values


def chosen_gallery_image(
    organization: Organization, group_account_id: str, values: EditorValues
) -> GalleryImage | None:
    if values["image_type"] != "gallery" or not values["image_name"]:
        return None
    return find_image(
        organization,
        account_id=values["spot_account_id"] or group_account_id,
        resource_group_name=values["gallery_resource_group_name"],
        gallery_name=values["gallery_name"],
        image_name=values["image_name"],
    )


def without_login(values: EditorValues, kind: str) -> EditorValues:
    """A specialized image keeps its own users: no login and no custom data."""
    left_out = [row.name for row in editor_fields(kind) if row.not_with_specialized_image]
    return {**values, **dict.fromkeys(left_out, "")}


def leaves_out_with_specialized_image(values: EditorValues, kind: str) -> bool:
    """Whether the values fill in something a specialized image can't have."""
    return any(
        values.get(row.name) for row in editor_fields(kind) if row.not_with_specialized_image
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


def preview_spec(form: GroupEditorForm, kind: str, group_account_id: str) -> dict[str, Any]:
    """The Spot JSON a new group would be created with from what the form holds now (the
    fields that don't pass their form check are left out), without the password."""
    if form.is_bound:
        _ = form.errors  # runs the form's checks once, which leaves cleaned_data
        cleaned = dict(form.cleaned_data)
    else:
        cleaned = dict(form.initial)
    values = values_from_form(cleaned, kind, group_account_id, None)
    return without_password(spec_from_editor_values(kind, values))


def choosing_image(image: GalleryImage, *, posted: bool = False) -> dict[str, str]:
    """The editor's values that choose `image` and its latest version in the cascade ("Use
    this image"); `posted`: also the cascade's previous values, so that a reload of the posted
    form takes the levels as chosen together rather than clearing those under the first."""
    values = {**choosing(image), "image_type": "gallery", "os": image.os_type}
    if posted:
        values.update({f"cascade_prev_{name}": choosing(image)[name] for name in CASCADE_FIELDS})
    return values
