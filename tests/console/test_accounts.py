"""Settings → Accounts: admins rename and delete accounts; the delete page says what goes, and
an account with groups is kept. Disconnecting a subscription can delete its account too."""

from __future__ import annotations

import pytest
from django.urls import reverse

from console.models import Account, AuditEntry, Role
from galleries.models import ConnectedSubscription
from tests.factories import AccountFactory, log_in_as
from tests.group_factories import GroupFactory
from tests.inventory_factories import connect_account

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(client):
    membership = log_in_as(client, Role.ADMIN)
    return membership


def test_rename_an_account_audited_and_a_taken_name_refused(client, admin):
    account = AccountFactory(organization=admin.organization, name="Staging")
    AccountFactory(organization=admin.organization, name="Production")
    url = reverse("console:account_rename", args=[account.id])
    taken = client.post(url, {"name": "Production"})
    assert taken.status_code == 200
    assert "already exists" in taken.content.decode()
    assert client.post(url, {"name": "Pre-production"}).status_code == 302
    account.refresh_from_db()
    assert account.name == "Pre-production"
    assert AuditEntry.objects.filter(action="account.update", object_id=account.id).exists()
    page = client.get(reverse("console:accounts")).content.decode()
    assert "Pre-production" in page


def test_delete_says_what_goes_then_deletes_subscription_and_all(client, admin):
    account = AccountFactory(organization=admin.organization, name="Sandbox")
    connect_account(account, display_name="Sandbox subscription")
    url = reverse("console:account_delete", args=[account.id])
    page = client.get(url).content.decode()
    assert "Delete account Sandbox?" in page
    assert "Sandbox subscription" in page
    assert "cached gallery inventory" in page
    assert client.post(url).status_code == 302
    assert not Account.objects.filter(pk=account.id).exists()
    assert not ConnectedSubscription.objects.filter(display_name="Sandbox subscription").exists()
    client.get(reverse("console:settings"))  # shows the "deleted" message once
    assert f'value="{account.id}"' not in client.get(reverse("console:settings")).content.decode()


def test_an_account_with_groups_is_not_deleted(client, admin):
    account = AccountFactory(organization=admin.organization, name="Busy")
    GroupFactory(account=account)
    url = reverse("console:account_delete", args=[account.id])
    page = client.get(url).content.decode()
    assert "still has 1 group" in page
    assert 'type="submit"' not in page.split('id="account-in-use"')[1]
    client.post(url)
    assert Account.objects.filter(pk=account.id).exists()


@pytest.mark.parametrize("role", [Role.EDITOR, Role.VIEWER])
def test_only_admins_rename_or_delete(client, role):
    membership = log_in_as(client, role)
    account = AccountFactory(organization=membership.organization, name="Kept")
    for name in ("console:account_rename", "console:account_delete"):
        assert client.post(reverse(name, args=[account.id]), {"name": "x"}).status_code == 403
    assert Account.objects.get(pk=account.id).name == "Kept"


def test_another_organizations_account_is_not_found(client, admin):
    other = AccountFactory(name="Theirs")
    assert client.post(reverse("console:account_delete", args=[other.id])).status_code == 404
    assert Account.objects.filter(pk=other.id).exists()


def test_disconnect_can_delete_the_account_so_it_leaves_the_switcher(client, admin):
    account = AccountFactory(organization=admin.organization, name="Leaving")
    subscription = connect_account(account, display_name="Leaving subscription")
    url = reverse("galleries:subscription_disconnect", args=[subscription.pk])
    assert "Delete the account Leaving too" in client.get(url).content.decode()
    assert client.post(url, {"delete_account": "1"}).status_code == 302
    assert not Account.objects.filter(pk=account.id).exists()
    client.get(reverse("console:settings"))
    assert f'value="{account.id}"' not in client.get(reverse("console:settings")).content.decode()
