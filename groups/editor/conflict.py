"""The edit-conflict page: a save that started from an older revision overwrites nothing; the
page shows what changed since and what the user tried to save."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse

from console.http import AuthedRequest

from ..models import Group, Kind
from ..page_urls import EDIT_URL
from ..spot.json import without_password
from . import values as editor_values


def conflict_page(
    request: AuthedRequest,
    kind: Kind,
    current: Group,
    started_from: int | None,
    attempted_spec: dict[str, Any],
) -> HttpResponse:
    base = current.revisions.filter(number=started_from or 0).first()
    context = {
        "kind": kind,
        "group": current,
        "started_from": started_from,
        "changed_by": current.updated_by,
        "their_changes": editor_values.unified_diff(
            base.spec if base else {},
            current.spec,
            f"revision {started_from} (yours started here)",
            f"revision {current.revision} (saved now)",
        ),
        "attempted_json": editor_values.json_text(without_password(attempted_spec)),
        "edit_url": reverse(EDIT_URL[kind], kwargs={"group_id": current.pk}),
    }
    return render(request, "groups/conflict.html", context, status=409)
