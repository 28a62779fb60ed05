"""Nothing of another organization shows on any page: every page of Contoso, walked as each role
(and the htmx fragments its pages load), must not contain a string that only Fabrikam's data
has: names, descriptions, tags, regions, versions, ids, usernames, errors."""

from __future__ import annotations

import html
from collections.abc import Iterator
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models

from galleries.models import VersionRegion
from galleries.regions import region_display_name

from .world import Tenant

pytestmark = pytest.mark.django_db

# Strings shorter than this are too common to tell tenants apart ("v2", "db").
SHORTEST = 4
MAX_DEPTH = 4


def _organization_path(model: type[models.Model], depth: int = 0) -> str | None:
    """A lookup from `model` to its Organization ("subscription__organization"), if any."""
    if model._meta.label == "console.Organization":
        return ""
    if depth >= MAX_DEPTH:
        return None
    for field in model._meta.get_fields():
        if isinstance(field, models.ForeignKey) and not field.null:
            found = _organization_path(field.related_model, depth + 1)
            if found is not None:
                return f"{field.name}__{found}".rstrip("_") if found else field.name
    return None


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(key)
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def _text_fields(model: type[models.Model]) -> list[str]:
    return [
        field.attname
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField | models.JSONField)
        and not field.choices
    ]


def tenant_strings(tenant: Tenant) -> set[str]:
    """Every text value stored for `tenant`: each model with a path to its organization, the
    members' usernames and emails, and the display names of its regions."""
    found: set[str] = set()
    for model in apps.get_models():
        if model._meta.app_label not in ("console", "galleries", "groups", "publish"):
            continue
        path = _organization_path(model)
        fields = _text_fields(model)
        if path is None or not fields:
            continue
        rows = model._default_manager.filter(**{path or "pk": tenant.organization.pk})
        for row in rows.values_list(*fields):
            for value in row:
                found.update(_strings(value))
    users = get_user_model().objects.filter(memberships__organization=tenant.organization)
    for username, email in users.values_list("username", "email"):
        found.update((username, email))
    regions = VersionRegion.objects.filter(
        version__subscription__organization=tenant.organization
    ).values_list("region", flat=True)
    found.update(region_display_name(region) for region in regions)
    return {value for value in found if len(value.strip()) >= SHORTEST}


def test_the_leak_check_knows_the_other_tenants_data(tenants):
    """The check below is only as good as this list: it must hold what makes Fabrikam Fabrikam."""
    only_theirs = tenant_strings(tenants.other) - tenant_strings(tenants.walked)
    other = tenants.other
    for expected in (
        other.organization.name,
        other.account.name,
        other.subscription.display_name,
        other.subscription.subscription_id,
        other.image.name,
        other.image.description,
        other.gallery.name,
        other.group.name,
        other.group.pk,
        other.draft.name,
        "fabrikam-platform-team",  # a tag value, inside the group's JSON
        "redmondstack",  # a region only Fabrikam's inventory has
        "7.3.1",
        "fabrikam-editor",
        other.failed_run.error,
        other.tokens["admin"].name,
    ):
        assert expected in only_theirs, expected
    # Shared vocabulary is not the other tenant's: it appears in both.
    assert "Linux" not in only_theirs
    assert "standard_d2s_v5" not in only_theirs


def test_no_page_of_one_organization_shows_another_organizations_data(tenants, walk):
    only_theirs = sorted(tenant_strings(tenants.other) - tenant_strings(tenants.walked))
    needles = [(value, value.lower()) for value in only_theirs]
    leaks = []
    pages = 0
    for answer in walk:
        if answer.visit.viewer is None and answer.status != 200:
            continue
        pages += 1
        text = html.unescape(answer.text).lower()
        for value, needle in needles:
            if needle in text:
                leaks.append(f"{answer.visit.id} {answer.visit.url}: {value!r}")
    assert pages > 100
    assert not leaks, "Another organization's data on these pages:\n" + "\n".join(leaks)
