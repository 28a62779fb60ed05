"""Who may manage members and tokens: admin > editor > viewer, and nobody outside the org."""

import pytest
from django.urls import reverse

from console import services
from console.models import ApiToken, Invitation, Membership, Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def colleague_token(member):
    colleague = member(Role.EDITOR)
    token, _ = services.create_api_token(
        user=colleague.user, organization=colleague.organization, name="colleague's CI"
    )
    return token


@pytest.mark.parametrize("role", [Role.VIEWER, Role.EDITOR])
def test_non_admins_get_403_on_every_member_action(client, member, role):
    me = member(role)
    other = member(Role.VIEWER)
    UserFactory(username="newcomer")
    client.force_login(me.user)

    assert client.get(reverse("console:members")).status_code == 403
    response = client.post(reverse("console:invitation_create"), {"role": "admin", "days": "7"})
    assert response.status_code == 403
    response = client.post(reverse("console:member_role", args=[other.pk]), {"role": "admin"})
    assert response.status_code == 403
    assert client.post(reverse("console:member_remove", args=[other.pk])).status_code == 403
    assert client.get(reverse("console:audit")).status_code == 403

    other.refresh_from_db()
    assert other.role == Role.VIEWER
    assert not Membership.objects.filter(user__username="newcomer").exists()
    assert not Invitation.objects.exists()


@pytest.mark.parametrize("role", [Role.VIEWER, Role.EDITOR])
def test_non_admins_cannot_see_or_revoke_a_colleagues_token(client, member, colleague_token, role):
    me = member(role)
    client.force_login(me.user)

    page = client.get(reverse("console:tokens"))
    assert page.status_code == 200
    assert colleague_token.prefix not in page.content.decode()
    url = reverse("console:token_revoke", args=[colleague_token.pk])
    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403
    colleague_token.refresh_from_db()
    assert colleague_token.revoked_at is None


def test_viewer_manages_own_tokens(client, member):
    me = member(Role.VIEWER)
    client.force_login(me.user)

    response = client.post(reverse("console:token_create"), {"name": "laptop"})
    assert response.status_code == 200
    token = ApiToken.objects.get(user=me.user)
    assert response.context["raw_token"].startswith("gc_")

    response = client.post(reverse("console:token_revoke", args=[token.pk]), follow=True)
    assert "is revoked" in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_admin_sees_and_revokes_a_members_token(client, member, colleague_token):
    admin = member(Role.ADMIN)
    client.force_login(admin.user)

    page = client.get(reverse("console:tokens")).content.decode()
    assert "Other members' tokens" in page
    assert colleague_token.prefix in page
    confirmation = client.get(reverse("console:token_revoke", args=[colleague_token.pk]))
    assert colleague_token.user.username in confirmation.content.decode()
    client.post(reverse("console:token_revoke", args=[colleague_token.pk]))
    colleague_token.refresh_from_db()
    assert colleague_token.revoked_at is not None


def test_admin_changes_and_removes_members(client, member):
    admin = member(Role.ADMIN)
    added = member(Role.EDITOR)
    client.force_login(admin.user)

    client.post(reverse("console:member_role", args=[added.pk]), {"role": "viewer"})
    added.refresh_from_db()
    assert added.role == Role.VIEWER

    services.create_api_token(user=added.user, organization=added.organization, name="theirs")
    client.post(reverse("console:member_remove", args=[added.pk]))
    assert not Membership.objects.filter(pk=added.pk).exists()
    # Their tokens stop working with the membership.
    assert not ApiToken.objects.filter(user=added.user, revoked_at__isnull=True).exists()

    actions = list(admin.organization.audit_entries.values_list("action", flat=True))
    assert {"member.role_change", "member.remove"} <= set(actions)


def test_the_last_admin_can_neither_leave_nor_step_down(client, member):
    admin = member(Role.ADMIN)
    client.force_login(admin.user)

    response = client.post(reverse("console:member_remove", args=[admin.pk]), follow=True)
    assert "The last admin cannot be removed." in response.content.decode()
    response = client.post(
        reverse("console:member_role", args=[admin.pk]), {"role": "viewer"}, follow=True
    )
    assert "at least one admin" in response.content.decode()
    admin.refresh_from_db()
    assert admin.role == Role.ADMIN

    # With a second admin, stepping down works.
    member(Role.ADMIN)
    client.post(reverse("console:member_role", args=[admin.pk]), {"role": "editor"})
    admin.refresh_from_db()
    assert admin.role == Role.EDITOR
