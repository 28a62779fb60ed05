"""The publishing tests' two consoles: this test process (the console that publishes) and a
second live server (the Spot endpoint, read back with spotinst-sdk2)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from console.models import Account, Membership, Organization, Role
from groups.edit_context import EditContext
from groups.models import Group, Kind, Status
from groups.publish.models import SpotConnection
from groups.publish.services import save_connection
from groups.services import save_group
from tests.factories import AccountFactory, MembershipFactory, OrganizationFactory

from .inventory import seed_inventory
from .remote import RemoteConsole, start_remote


@pytest.fixture(scope="session")
def remote_console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RemoteConsole]:
    remote = start_remote(tmp_path_factory.mktemp("remote-console"))
    yield remote
    remote.stop()


@dataclass
class Publisher:
    """The first console: Production published to the remote's account, Images to its images
    account, and a member of each role."""

    organization: Organization
    account: Account
    images_account: Account
    connection: SpotConnection
    members: dict[str, Membership]
    remote: RemoteConsole

    def apply(self, spec: dict[str, Any], kind: str = Kind.STATELESS, group: Group | None = None):
        """Apply a change (create or update a live group) as the editor."""
        saved, _ = save_group(
            EditContext(self.members["editor"].user, self.organization, self.account, kind),
            spec,
            status=Status.ACTIVE,
            source="console",
            group=group,
        )
        return saved


@pytest.fixture
def publisher(db: Any, remote_console: RemoteConsole) -> Publisher:
    organization = OrganizationFactory(name="Contoso")
    account = AccountFactory(organization=organization, name="Production")
    images_account = AccountFactory(organization=organization, name="Images")
    seed_inventory(account, images_account)
    members = {
        str(role): MembershipFactory(organization=organization, role=role)
        for role in (Role.ADMIN, Role.EDITOR, Role.VIEWER)
    }
    admin = members["admin"].user
    connection = save_connection(
        actor=admin,
        account=account,
        base_url=remote_console.url,
        spot_account_id=remote_console.account,
        token=remote_console.token,
    )
    save_connection(
        actor=admin,
        account=images_account,
        base_url=remote_console.url,
        spot_account_id=remote_console.images_account,
        token=remote_console.token,
    )
    return Publisher(organization, account, images_account, connection, members, remote_console)


@pytest.fixture
def unique_name() -> str:
    """Group names differ per test: the remote console is shared by the whole session."""
    return f"web-{uuid.uuid4().hex[:8]}"
