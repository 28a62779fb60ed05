"""Every page that shows what an organization has stored: after fuzzing, each must render."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from console.models import Organization
from groups.models import Group, Kind

EDIT = {Kind.STATELESS: "groups:stateless_edit", Kind.STATEFUL: "groups:stateful_edit"}
DELETE = {Kind.STATELESS: "groups:stateless_delete", Kind.STATEFUL: "groups:stateful_delete"}
API = {Kind.STATELESS: "/azure/compute/group", Kind.STATEFUL: "/azure/compute/statefulNode"}


def render_every_page(client: Any, organization: Organization, token: str) -> int:
    """GET every page and API answer showing the organization's groups, revisions, members,
    invitations, tokens and audit entries (every page of it) as an admin; all must be 200.
    Returns how many were rendered."""
    urls = [
        reverse("groups:stateless_list"),
        reverse("groups:stateful_list"),
        reverse("groups:drafts"),
        reverse("console:members"),
        reverse("console:tokens"),
        reverse("galleries:subscriptions"),
        reverse("galleries:inventory"),
    ]
    groups = Group.objects.filter(organization=organization)
    for group in groups:
        urls += [
            reverse(EDIT[Kind(group.kind)], args=[group.pk]),
            reverse(DELETE[Kind(group.kind)], args=[group.pk]),
            reverse("groups:compare", args=[group.pk]),
        ]
    entries = organization.audit_entries.count()
    urls += [f"{reverse('console:audit')}?page={n}" for n in range(1, entries // 50 + 2)]
    for url in urls:
        page = client.get(url)
        assert page.status_code == 200, (url, page.status_code)
        page.content.decode()  # valid UTF-8 all through
    api = [API[Kind.STATELESS], API[Kind.STATEFUL], "/setup/account"]
    for group in groups.filter(status="active"):
        api.append(f"{API[Kind(group.kind)]}/{group.pk}?accountId={group.account_id}")
    for url in api:
        answer = client.get(url, headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 200, (url, answer.content[:300])
        answer.json()
    return len(urls) + len(api)
