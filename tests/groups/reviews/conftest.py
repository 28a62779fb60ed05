"""An organization with a live group on ubuntu-22 1.0.0 and members for each review role."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from console.models import Account, Organization, Role
from galleries.models import ConnectedSubscription, GalleryImage
from groups.edit_context import EditContext
from groups.models import Group, Kind, Status
from groups.reviews.models import ChangeRequest
from groups.reviews.services import propose_change, request_review
from groups.services import save_group
from tests.factories import AccountFactory, MembershipFactory, OrganizationFactory
from tests.groups.api.bodies import group_body
from tests.inventory_factories import connect_account, gallery_image


@dataclass
class ReviewWorld:
    organization: Organization
    account: Account
    subscription: ConnectedSubscription
    image: GalleryImage
    group: Group  # live, on ubuntu-22 1.0.0 in eastus
    author: Any  # editor
    reviewer: Any  # editor
    second_reviewer: Any  # editor
    viewer: Any
    admin: Any

    def body(self, version: str = "1.0.0", **changes: Any) -> dict[str, Any]:
        body = group_body(version=version)
        body.update(changes)
        return body

    def change_in_review(self, author: Any, name: str) -> ChangeRequest:
        """A new live group `name` and `author`'s change to it (1.1.0), asked to be reviewed
        by anyone."""
        group, _ = save_group(
            EditContext(self.admin, self.organization, self.account, Kind.STATELESS),
            {**self.body(), "name": name},
            status=Status.ACTIVE,
            source="console",
        )
        change, _ = propose_change(
            actor=author, group=group, spec={**self.body("1.1.0"), "name": name}
        )
        request_review(actor=author, change=change)
        return change


@pytest.fixture
def review_world(db: Any) -> ReviewWorld:
    organization = OrganizationFactory(name="Contoso reviews")
    account = AccountFactory(organization=organization, name="Production")
    subscription = connect_account(account, display_name="Contoso Production")
    image = gallery_image(
        subscription,
        versions={"1.0.0": ["eastus"], "1.1.0": ["eastus"], "1.2.0": ["westus"]},
    )
    users = {
        name: MembershipFactory(organization=organization, role=role).user
        for name, role in (
            ("author", Role.EDITOR),
            ("reviewer", Role.EDITOR),
            ("second_reviewer", Role.EDITOR),
            ("viewer", Role.VIEWER),
            ("admin", Role.ADMIN),
        )
    }
    group, _ = save_group(
        EditContext(users["admin"], organization, account, Kind.STATELESS),
        group_body(),
        status=Status.ACTIVE,
        source="console",
    )
    return ReviewWorld(organization, account, subscription, image, group, **users)
