"""Another organization's objects are a 404, never visible; the switchers stay in scope."""

import pytest
from django.urls import reverse

from console import services
from console.middleware import SESSION_ACCOUNT_KEY
from console.models import Role
from tests.factories import AccountFactory, AuditEntryFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def foreign(other_organization):
    """An admin of the other organization, with a token and an audit entry there."""
    admin = MembershipFactory(organization=other_organization, role=Role.ADMIN)
    token, _ = services.create_api_token(
        user=admin.user, organization=other_organization, name="fabrikam deploys"
    )
    entry = AuditEntryFactory(organization=other_organization, object_repr="Fabrikam secret plan")
    return {"admin": admin, "token": token, "entry": entry}


def test_every_object_of_another_organization_is_a_404(client, member, foreign):
    me = member(Role.ADMIN)
    client.force_login(me.user)
    foreign_account = foreign["admin"].organization.accounts.get()

    response = client.post(reverse("console:switch_account"), {"account": foreign_account.pk})
    assert response.status_code == 404
    assert client.session.get(SESSION_ACCOUNT_KEY) != foreign_account.pk

    revoke_url = reverse("console:token_revoke", args=[foreign["token"].pk])
    assert client.get(revoke_url).status_code == 404
    assert client.post(revoke_url).status_code == 404
    foreign["token"].refresh_from_db()
    assert foreign["token"].revoked_at is None

    member_pk = foreign["admin"].pk
    assert (
        client.post(
            reverse("console:member_role", args=[member_pk]), {"role": "viewer"}
        ).status_code
        == 404
    )
    assert client.get(reverse("console:member_remove", args=[member_pk])).status_code == 404
    assert client.post(reverse("console:member_remove", args=[member_pk])).status_code == 404
    foreign["admin"].refresh_from_db()
    assert foreign["admin"].role == Role.ADMIN

    response = client.post(
        reverse("console:switch_organization"), {"organization": foreign["admin"].organization_id}
    )
    assert response.status_code == 404


def test_lists_show_only_this_organizations_rows(client, member, foreign):
    me = member(Role.ADMIN)
    client.force_login(me.user)

    assert foreign["token"].prefix not in client.get(reverse("console:tokens")).content.decode()
    members_page = client.get(reverse("console:members")).content.decode()
    assert foreign["admin"].user.username not in members_page
    audit_page = client.get(reverse("console:audit")).content.decode()
    assert "Fabrikam secret plan" not in audit_page
    header = client.get(reverse("console:settings")).content.decode()
    assert "Fabrikam production" not in header


def test_account_switcher_changes_the_current_account(client, member, organization):
    me = member(Role.VIEWER)
    staging = AccountFactory(organization=organization, name="Staging")
    client.force_login(me.user)

    response = client.post(
        reverse("console:switch_account"), {"account": staging.pk, "next": "/settings/"}
    )
    assert response.status_code == 302
    assert response.url == "/settings/"
    page = client.get(reverse("console:settings"))
    assert page.context["current_account"] == staging

    # An off-site `next` is not followed.
    response = client.post(
        reverse("console:switch_account"), {"account": staging.pk, "next": "https://evil.example/"}
    )
    assert response.url == "/"


def test_organization_switcher_for_a_user_in_two_organizations(client, member, other_organization):
    me = member(Role.ADMIN)
    MembershipFactory(user=me.user, organization=other_organization, role=Role.VIEWER)
    client.force_login(me.user)

    page = client.get(reverse("console:settings"))
    assert page.context["current_organization"] == me.organization
    assert 'id="organization-switcher"' in page.content.decode()

    client.post(reverse("console:switch_organization"), {"organization": other_organization.pk})
    page = client.get(reverse("console:settings"))
    assert page.context["current_organization"] == other_organization
    assert page.context["current_account"].organization == other_organization
    # In the second organization the user is only a viewer.
    assert client.get(reverse("console:members")).status_code == 403


def test_single_membership_shows_no_organization_switcher(client, member):
    client.force_login(member(Role.VIEWER).user)
    assert 'id="organization-switcher"' not in client.get("/settings/").content.decode()
