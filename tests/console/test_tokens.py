"""API token lifecycle: shown once, stored as a digest, authenticates until revoked."""

import hashlib

import pytest
import time_machine
from django.urls import reverse

from console import members, services
from console.models import ApiToken, AuditEntry, Role
from console.selectors import authenticate_token, membership_for_token

pytestmark = pytest.mark.django_db


def test_created_token_authenticates_until_revoked(member):
    me = member(Role.EDITOR)
    token, raw = services.create_api_token(user=me.user, organization=me.organization, name="ci")

    assert raw.startswith("gc_")
    assert len(raw) > 40
    found = authenticate_token(raw)
    assert found == token
    assert found.user == me.user
    assert found.organization == me.organization
    assert membership_for_token(found) == me

    services.revoke_api_token(token=token, actor=me.user)
    assert authenticate_token(raw) is None


def test_only_the_digest_and_a_short_prefix_are_stored(member):
    me = member()
    token, raw = services.create_api_token(user=me.user, organization=me.organization, name="ci")

    stored = ApiToken.objects.filter(pk=token.pk).values().get()
    assert stored["digest"] == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in str(stored)
    assert raw.startswith(stored["prefix"])
    assert len(stored["prefix"]) <= 10
    audit = AuditEntry.objects.get(action="token.create")
    assert raw not in str(audit.after)
    assert stored["digest"] not in str(audit.after)


@pytest.mark.parametrize(
    "raw", ["", "gc_", "gc_not-a-real-token-at-all-000000000000000000", "Bearer x", "x" * 5000]
)
def test_wrong_tokens_do_not_authenticate(member, raw):
    me = member()
    services.create_api_token(user=me.user, organization=me.organization, name="ci")
    assert authenticate_token(raw) is None


def test_tokens_of_deactivated_users_or_removed_members_stop_working(member):
    me, admin = member(), member(Role.ADMIN)
    token, raw = services.create_api_token(user=me.user, organization=me.organization, name="ci")

    members.remove_member(membership=me, actor=admin.user)
    assert authenticate_token(raw) is None
    assert membership_for_token(token) is None

    other = member()
    _, other_raw = services.create_api_token(
        user=other.user, organization=other.organization, name="ci"
    )
    other.user.is_active = False
    other.user.save()
    assert authenticate_token(other_raw) is None


def test_last_used_is_recorded_at_most_once_a_minute(member):
    me = member()
    token, raw = services.create_api_token(user=me.user, organization=me.organization, name="ci")
    assert token.last_used_at is None

    with time_machine.travel("2026-11-26 10:00:00Z", tick=False):
        authenticate_token(raw)
    token.refresh_from_db()
    first_use = token.last_used_at
    assert first_use.isoformat() == "2026-11-26T10:00:00+00:00"

    with time_machine.travel("2026-11-26 10:00:40Z", tick=False):
        authenticate_token(raw)
    token.refresh_from_db()
    assert token.last_used_at == first_use

    with time_machine.travel("2026-11-26 10:01:30Z", tick=False):
        authenticate_token(raw)
    token.refresh_from_db()
    assert token.last_used_at.isoformat() == "2026-11-26T10:01:30+00:00"


def test_tokens_page_shows_the_new_token_once_and_lists_it(client, member):
    me = member(Role.VIEWER)
    client.force_login(me.user)

    result = client.post(reverse("console:token_create"), {"name": "Terraform"})
    raw = result.context["raw_token"]
    assert raw in result.content.decode()
    assert "only time it is shown" in result.content.decode()
    assert "no-store" in result["Cache-Control"]
    assert authenticate_token(raw).user == me.user

    listing = client.get(reverse("console:tokens")).content.decode()
    assert "Terraform" in listing
    assert raw[:10] in listing
    assert raw not in listing


def test_a_token_without_a_name_is_refused_with_a_message(client, member):
    me = member()
    client.force_login(me.user)
    response = client.post(reverse("console:token_create"), {"name": "  "}, follow=True)
    assert "Give the token a name" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_revoking_asks_for_confirmation_first(client, member):
    me = member()
    token, _ = services.create_api_token(user=me.user, organization=me.organization, name="ci")
    client.force_login(me.user)

    confirmation = client.get(reverse("console:token_revoke", args=[token.pk]))
    assert "cannot be undone" in confirmation.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is None
    assert AuditEntry.objects.filter(action="token.revoke").count() == 0

    client.post(reverse("console:token_revoke", args=[token.pk]))
    entry = AuditEntry.objects.get(action="token.revoke")
    assert entry.actor == me.user
    assert entry.request_id
