"""The signed-in user, their role and account come from a cache (console.principals), yet every
change to them holds from the very next request: in this process and in any other."""

import subprocess
import sys

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from console.accounts import delete_account
from console.models import Role
from tests.factories import AccountFactory, MembershipFactory
from tests.worker import REPO, worker_env

pytestmark = pytest.mark.django_db

# A page any member may see, and one only editors may open.
MEMBER_PAGE = "/groups/"
EDITOR_PAGE = "/groups/new/"


@pytest.fixture
def admin_client(member):
    admin = member(Role.ADMIN)
    client = Client()
    client.force_login(admin.user)
    return client


def test_a_removed_member_is_refused_on_the_next_request(client, member, admin_client):
    colleague = member(Role.EDITOR)
    client.force_login(colleague.user)
    assert client.get(MEMBER_PAGE).status_code == 200

    admin_client.post(reverse("console:member_remove", args=[colleague.pk]))

    assert client.get(MEMBER_PAGE).status_code == 403


def test_a_demoted_editor_is_refused_editing_on_the_next_request(client, member, admin_client):
    colleague = member(Role.EDITOR)
    client.force_login(colleague.user)
    assert client.get(EDITOR_PAGE).status_code == 200

    admin_client.post(reverse("console:member_role", args=[colleague.pk]), {"role": "viewer"})

    assert client.get(EDITOR_PAGE).status_code == 403
    assert client.get(MEMBER_PAGE).status_code == 200


def test_a_promoted_viewer_may_edit_on_the_next_request(client, member, admin_client):
    colleague = member(Role.VIEWER)
    client.force_login(colleague.user)
    assert client.get(EDITOR_PAGE).status_code == 403

    admin_client.post(reverse("console:member_role", args=[colleague.pk]), {"role": "editor"})

    assert client.get(EDITOR_PAGE).status_code == 200


def test_a_deactivated_user_is_signed_out_on_the_next_request(client, member):
    colleague = member(Role.EDITOR)
    client.force_login(colleague.user)
    assert client.get(MEMBER_PAGE).status_code == 200

    colleague.user.is_active = False
    colleague.user.save()

    response = client.get(MEMBER_PAGE)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_a_password_changed_elsewhere_signs_this_session_out(client, member):
    colleague = member(Role.EDITOR)
    client.force_login(colleague.user)
    assert client.get(MEMBER_PAGE).status_code == 200

    colleague.user.set_password("another-long-passphrase-42")
    colleague.user.save()

    assert client.get(MEMBER_PAGE).status_code == 302
    assert SESSION_KEY not in client.session


def test_a_removed_account_is_no_longer_the_current_one(client, member, organization):
    colleague = member(Role.VIEWER)
    staging = AccountFactory(organization=organization, name="Staging")
    client.force_login(colleague.user)
    client.post(reverse("console:switch_account"), {"account": staging.pk})
    assert client.get(reverse("console:settings")).context["current_account"] == staging

    delete_account(account=staging, actor=None)

    page = client.get(reverse("console:settings"))
    assert page.context["current_account"] == organization.accounts.get()
    assert "Staging" not in page.content.decode()


def test_a_renamed_organization_shows_its_new_name_at_once(client, member, organization):
    colleague = member(Role.VIEWER)
    client.force_login(colleague.user)
    assert "Contoso" in client.get(reverse("console:settings")).content.decode()

    organization.name = "Contoso Holdings"
    organization.save()

    assert "Contoso Holdings" in client.get(reverse("console:settings")).content.decode()


def test_a_new_membership_offers_the_organization_at_once(client, member, other_organization):
    colleague = member(Role.VIEWER)
    client.force_login(colleague.user)
    assert 'id="organization-switcher"' not in client.get("/settings/").content.decode()

    MembershipFactory(user=colleague.user, organization=other_organization, role=Role.VIEWER)

    page = client.get("/settings/").content.decode()
    assert 'id="organization-switcher"' in page
    assert "Fabrikam" in page


def test_once_cached_a_request_spends_no_query_on_who_is_signed_in(
    client, member, django_assert_num_queries
):
    client.force_login(member(Role.VIEWER).user)
    # A cascade level whose parent is not chosen yet lists nothing: no query of its own.
    fragment = reverse("cascade:level", args=["gallery_name"])
    assert client.get(fragment, headers={"HX-Request": "true"}).status_code == 200

    with django_assert_num_queries(0):
        response = client.get(fragment, headers={"HX-Request": "true"})
    assert response.status_code == 200


# --- across processes ----------------------------------------------------------------------------

CHANGE_IN_ANOTHER_PROCESS = """
import sys

import django

django.setup()
from console import members
from console.models import Membership

membership = Membership.objects.select_related("organization", "user").get(pk=int(sys.argv[1]))
if sys.argv[2] == "remove":
    members.remove_member(membership=membership, actor=None)
else:
    members.change_member_role(membership=membership, role=sys.argv[2], actor=None)
"""


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("change", "page"), [("viewer", EDITOR_PAGE), ("remove", MEMBER_PAGE)], ids=["demote", "remove"]
)
def test_a_change_made_by_another_process_holds_here_on_the_next_request(
    client, member, change, page
):
    member(Role.ADMIN)  # the organization keeps an admin
    colleague = member(Role.EDITOR)
    client.force_login(colleague.user)
    assert client.get(page).status_code == 200  # cached here, and in the shared cache

    subprocess.run(
        [sys.executable, "-c", CHANGE_IN_ANOTHER_PROCESS, str(colleague.pk), change],
        cwd=REPO,
        env=worker_env(),
        check=True,
        timeout=60,
    )

    assert client.get(page).status_code == 403
