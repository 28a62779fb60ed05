import pytest
from django.urls import reverse

from console import services
from console.models import Role
from console.request_context import current_request_id
from console.settings_views import AUDIT_PAGE_SIZE
from tests.factories import AuditEntryFactory, log_in_as

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, member):
    admin = member(Role.ADMIN)
    client.force_login(admin.user)
    client.admin = admin
    return client


def test_entry_shows_who_what_when_the_changed_field_and_request_id(admin_client):
    admin = admin_client.admin
    token = current_request_id.set("req-1234")
    try:
        services.record_audit(
            organization=admin.organization,
            actor=admin.user,
            action="group.update",
            obj_type="stateless_group",
            obj_id="sig-0a1b2c3d",
            obj_repr="web-frontend",
            before={"capacity": {"target": 2}},
            after={"capacity": {"target": 5}},
        )
    finally:
        current_request_id.reset(token)

    page = admin_client.get(reverse("console:audit")).content.decode()
    for text in ("group.update", "stateless_group", "sig-0a1b2c3d", "web-frontend", "req-1234"):
        assert text in page
    assert admin.user.username in page
    # the change, field by field: not two whole JSON documents
    assert "<code>capacity.target</code>" in page
    assert '<td class="diff-del">2</td><td class="diff-add">5</td>' in page
    assert "audit-json" not in page


def test_an_update_lists_only_what_changed_and_a_create_its_json_folded(admin_client):
    admin = admin_client.admin
    spec = {"name": "web", "region": "eastus", "capacity": {"minimum": 0, "maximum": 2}}
    common = {"organization": admin.organization, "actor": admin.user, "obj_type": "group"}
    services.record_audit(
        **common, action="group.create", obj_id="sig-1", before=None,
        after={"status": "active", "source": "console", "spec": spec},
    )  # fmt: skip
    changed = {**spec, "capacity": {"minimum": 0, "maximum": 7}, "description": "new"}
    services.record_audit(
        **common, action="group.update", obj_id="sig-1", before=spec,
        after={"status": "active", "source": "console", "spec": changed},
    )  # fmt: skip
    page = admin_client.get(reverse("console:audit")).content.decode()
    rows = page[page.index("<tbody>") :]
    update = rows[: rows.index("<code>group.create</code>")]
    assert "<code>spec.capacity.maximum</code>" in update
    assert '<td class="diff-del">2</td><td class="diff-add">7</td>' in update
    assert '<code>spec.description</code></th><td class="diff-del">(absent)</td>' in update
    # unchanged fields are not repeated: the group's spec is compared with its spec
    assert "spec.region" not in update
    assert "spec.name" not in update
    assert "<summary>Created with</summary>" in page


def test_secret_looking_values_are_never_rendered(admin_client):
    AuditEntryFactory(
        organization=admin_client.admin.organization,
        after={
            "client_secret": "s3cr3t-value",
            "nested": {"password": "hunter2", "note": "gc_abcdefghijklmnopqrstuvwxyz0123"},
            "display_name": "Production",
        },
    )
    page = admin_client.get(reverse("console:audit")).content.decode()
    assert "Production" in page
    for secret in ("s3cr3t-value", "hunter2", "gc_abcdefghijklmnopqrstuvwxyz0123"):
        assert secret not in page
    assert page.count("[redacted]") == 3


def test_filters_and_pagination(admin_client):
    organization = admin_client.admin.organization
    AuditEntryFactory.create_batch(
        AUDIT_PAGE_SIZE + 5, organization=organization, action="group.update"
    )
    AuditEntryFactory(
        organization=organization, action="token.revoke", object_type="api_token", object_id="77"
    )

    first = admin_client.get(reverse("console:audit"))
    assert len(first.context["page"]) == AUDIT_PAGE_SIZE
    assert "Page 1 of 2" in first.content.decode()
    second = admin_client.get(reverse("console:audit"), {"action": "group.update", "page": 2})
    assert len(second.context["page"]) == 5
    assert "action=group.update&amp;page=1" in second.content.decode()

    by_type = admin_client.get(reverse("console:audit"), {"object_type": "api_token"})
    assert [entry.object_id for entry in by_type.context["page"]] == ["77"]
    # A filter value that is not in the log, or a bad page number, is not an error.
    assert admin_client.get(reverse("console:audit"), {"action": "nope"}).status_code == 200
    assert admin_client.get(reverse("console:audit"), {"page": "zzz"}).status_code == 200


def test_settings_index_links_every_settings_page(admin_client):
    page = admin_client.get(reverse("console:settings")).content.decode()
    for href in (
        "/settings/subscriptions/",
        reverse("console:members"),
        reverse("console:tokens"),
        reverse("console:audit"),
        "/api/docs",
    ):
        assert f'href="{href}"' in page


@pytest.mark.parametrize("role", [Role.VIEWER, Role.EDITOR])
def test_settings_index_offers_non_admins_only_what_they_may_open(client, role):
    log_in_as(client, role)
    page = client.get(reverse("console:settings")).content.decode()
    assert f'href="{reverse("console:tokens")}"' in page
    for admin_only in (
        "/settings/subscriptions/",
        reverse("console:members"),
        reverse("console:audit"),
    ):
        assert f'href="{admin_only}"' not in page
        assert client.get(admin_only).status_code == 403
