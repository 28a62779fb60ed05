from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from console.models import Account, AuditEntry, Membership, Organization, Role
from console.selectors import authenticate_token
from tests.factories import (
    DEFAULT_PASSWORD,
    MembershipFactory,
    OrganizationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def counts() -> dict[str, int]:
    return {
        "organizations": Organization.objects.count(),
        "accounts": Account.objects.count(),
        "users": get_user_model().objects.count(),
        "memberships": Membership.objects.count(),
    }


def test_seed_demo_is_idempotent_and_prints_working_logins(client):
    first_output = run("seed_demo")
    after_first = counts()
    run("seed_demo")

    assert (
        counts()
        == after_first
        == {
            "organizations": 1,
            "accounts": 3,
            "users": 3,
            "memberships": 3,
        }
    )
    contoso = Organization.objects.get(name="Contoso")
    assert sorted(contoso.accounts.values_list("name", flat=True)) == [
        "Production",
        "Shared Images",
        "Staging",
    ]
    roles = dict(contoso.memberships.values_list("user__username", "role"))
    assert roles == {"admin": Role.ADMIN, "editor": Role.EDITOR, "viewer": Role.VIEWER}

    assert "http://127.0.0.1:" in first_output
    assert "admin-demo-pass" in first_output
    response = client.post("/login/", {"username": "editor", "password": "editor-demo-pass"})
    assert response.status_code == 302


def test_seed_demo_notes_when_the_sandbox_cannot_be_connected_yet(tmp_path, monkeypatch):
    import galleries

    monkeypatch.setattr(
        "console.management.commands.seed_demo.import_module",
        lambda name: galleries,  # a module without connect_demo_sandbox
    )
    output = run("seed_demo", "--sandbox", str(tmp_path), "--wait-for-sandbox", "1")
    assert "sandbox is not connected yet" in output
    assert Organization.objects.filter(name="Contoso").exists()


def test_create_api_token_prints_a_working_token_last():
    membership = MembershipFactory(role=Role.EDITOR, user__username="deployer")
    output = run("create_api_token", "deployer", "--name", "pipeline")

    raw = output.strip().splitlines()[-1]
    token = authenticate_token(raw)
    assert token is not None
    assert token.name == "pipeline"
    assert token.user == membership.user
    assert token.organization == membership.organization


def test_create_api_token_needs_an_organization_when_the_user_has_several():
    membership = MembershipFactory(user__username="consultant")
    other = OrganizationFactory(name="Fabrikam")
    MembershipFactory(user=membership.user, organization=other)

    with pytest.raises(CommandError, match="several organizations"):
        run("create_api_token", "consultant")
    raw = run("create_api_token", "consultant", "--organization", "Fabrikam").splitlines()[-1]
    assert authenticate_token(raw).organization == other

    with pytest.raises(CommandError, match="no user"):
        run("create_api_token", "ghost")


def test_create_organization_lets_its_admin_sign_in_and_open_the_group_editor(client):
    UserFactory(username="alice")

    output = run("create_organization", "Acme", "--admin", "alice", "--account", "Production")

    acme = Organization.objects.get(name="Acme")
    account = acme.accounts.get()
    assert account.name == "Production"
    assert f"account Production ({account.pk})" in output
    assert dict(acme.memberships.values_list("user__username", "role")) == {"alice": Role.ADMIN}
    assert sorted(
        AuditEntry.objects.filter(organization=acme).values_list("action", flat=True)
    ) == [
        "account.create",
        "member.add",
        "organization.create",
    ]
    client.post("/login/", {"username": "alice", "password": DEFAULT_PASSWORD})
    response = client.get("/groups/new/")
    assert response.status_code == 200
    assert response.context["account"] == account


def test_create_organization_refuses_a_taken_name_and_changes_nothing():
    OrganizationFactory(name="Acme")
    UserFactory(username="alice")
    before = counts()

    with pytest.raises(CommandError, match="An organization named Acme already exists"):
        run("create_organization", "Acme", "--admin", "alice")

    assert counts() == before


def test_create_organization_names_a_missing_admin():
    with pytest.raises(CommandError, match="There is no user 'nobody'; create one first"):
        run("create_organization", "Acme", "--admin", "nobody")
    assert not Organization.objects.exists()
