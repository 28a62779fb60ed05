"""Invitations: nobody joins an organization without accepting, and an unusable code says why
in the same words whatever the reason."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from console.members import INVITATION_UNUSABLE
from console.models import AuditEntry, Invitation, Membership, Role
from console.services import token_digest
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def _invite(client: Client, role: str = "editor", note: str = "Bob") -> tuple[str, str]:
    """(link, code) from the page an admin gets after creating an invitation."""
    page = client.post(
        reverse("console:invitation_create"), {"role": role, "days": "7", "note": note}
    )
    assert page.status_code == 200
    assert page["Cache-Control"].startswith("max-age=0")
    text = page.content.decode()
    link = re.search(r'id="invitation-link" value="([^"]+)"', text).group(1)
    code = re.search(r'id="invitation-code" value="([^"]+)"', text).group(1)
    return link, code


@pytest.fixture
def admin_client(client, member):
    client.force_login(member(Role.ADMIN).user)
    return client


@pytest.fixture
def invitee():
    """A user of this instance who belongs to no organization yet, signed in."""
    user = UserFactory(username="bob")
    client = Client()
    client.force_login(user)
    return user, client


def test_an_invitation_is_accepted_by_the_signed_in_invitee(admin_client, organization, invitee):
    link, code = _invite(admin_client)
    invitation = Invitation.objects.get()
    assert invitation.digest == token_digest(code)
    assert code not in str(Invitation.objects.values().get())  # only the digest is kept
    members = admin_client.get(reverse("console:members")).content.decode()
    assert invitation.prefix in members
    assert "Bob" in members

    user, client = invitee
    assert client.get("/").url == reverse("console:join")  # a member of nothing yet
    path = link.removeprefix("http://testserver")
    confirm = client.get(path).content.decode()
    assert (
        "You are invited to join <strong>Contoso</strong> as\n  <strong>Editor</strong>" in confirm
    )
    assert not Membership.objects.filter(user=user).exists()  # opening the link is not joining
    joined = client.post(reverse("console:join"), {"code": code}, follow=True)
    assert "You joined Contoso as Editor." in joined.content.decode()
    assert Membership.objects.get(user=user).role == Role.EDITOR
    assert client.get(reverse("console:tokens")).status_code == 200  # now in the organization

    again = client.post(reverse("console:join"), {"code": code})
    assert again.status_code == 400
    assert INVITATION_UNUSABLE in html.unescape(again.content.decode())
    assert invitation.prefix not in admin_client.get(reverse("console:members")).content.decode()
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"invitation.create", "invitation.accept"} <= actions


def test_every_unusable_code_gets_the_same_message(admin_client, invitee):
    _, expired = _invite(admin_client, note="expired")
    _, revoked = _invite(admin_client, note="revoked")
    _, used = _invite(admin_client, note="used")
    Invitation.objects.filter(note="expired").update(expires_at=timezone.now() - timedelta(1))
    admin_client.post(
        reverse("console:invitation_revoke", args=[Invitation.objects.get(note="revoked").pk])
    )
    Invitation.objects.filter(note="used").update(accepted_at=timezone.now())
    user, client = invitee
    answers = set()
    for code in (expired, revoked, used, "inv_never-issued", "not even a code"):
        by_link = client.get(reverse("console:join_code", args=[code]))
        assert by_link.status_code == 404
        typed = client.post(reverse("console:join"), {"code": code})
        assert typed.status_code == 400
        for page in (by_link, typed):
            text = page.content.decode()
            answers.add(re.search(r'id="join-problem">([^<]+)<', text).group(1))
    assert answers == {INVITATION_UNUSABLE.replace("'", "&#x27;")}
    assert not Membership.objects.filter(user=user).exists()
    assert "invitation.revoke" in set(AuditEntry.objects.values_list("action", flat=True))


def test_a_member_is_told_and_the_invitation_stays_for_someone_else(admin_client, member):
    _, code = _invite(admin_client)
    colleague = member(Role.VIEWER)
    client = Client()
    client.force_login(colleague.user)
    answer = client.post(reverse("console:join"), {"code": code})
    assert "You are already a member of Contoso." in answer.content.decode()
    colleague.refresh_from_db()
    assert colleague.role == Role.VIEWER
    assert Invitation.objects.get().accepted_at is None


def test_joining_needs_a_sign_in_first(admin_client):
    link, _ = _invite(admin_client)
    anonymous = Client().get(link.removeprefix("http://testserver"))
    assert anonymous.status_code == 302
    assert anonymous.url.startswith(reverse("login"))


def test_invitations_are_for_admins_of_their_own_organization(client, member, other_organization):
    admin = member(Role.ADMIN)
    other_admin = MembershipFactory(organization=other_organization, role=Role.ADMIN)
    client.force_login(admin.user)
    _invite(client)
    invitation = Invitation.objects.get()
    outsider = Client()
    outsider.force_login(other_admin.user)
    revoke = reverse("console:invitation_revoke", args=[invitation.pk])
    assert outsider.post(revoke).status_code == 404
    editor = Client()
    editor.force_login(member(Role.EDITOR).user)
    assert editor.post(revoke).status_code == 403
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


def test_no_one_is_added_by_username_any_more(admin_client):
    UserFactory(username="carol")
    with pytest.raises(NoReverseMatch):
        reverse("console:member_add")
    answer = admin_client.post("/settings/members/add/", {"username": "carol", "role": "admin"})
    assert answer.status_code == 404
    assert not Membership.objects.filter(user__username="carol").exists()
