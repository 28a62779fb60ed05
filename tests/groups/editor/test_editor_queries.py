"""Opening a group in the editor, the page users open most, costs a fixed number of queries: it
was 34 (issue 16), each one a round trip to the database, and a view change that reads the same
row twice, or a row per option, shows here rather than only in the benchmarks."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from django.conf import settings

from console.models import Role
from galleries.models import VersionRegion
from groups.edit_context import EditContext
from groups.models import Group, Kind
from groups.services import save_group
from tests.factories import AccountFactory, log_in_as
from tests.groups.api.bodies import group_body
from tests.inventory_factories import ImageVersionFactory, connect_account

# The group and its open change; the gallery image checked against the inventory (its
# subscription, image and version); the organization's subscriptions; the cascade's five levels
# (the subscription's row, then resource groups, galleries, images, the chosen image, its
# versions and the version's regions); network suggestions; revisions; the review policy; the
# navigation's review counts; the group's Spot connection and publication.
EDITOR_PAGE_QUERIES = 21


def _saved_group(world: SimpleNamespace, *, revisions: int = 1) -> Group:
    user = world.editor
    spec = group_body(
        resourceGroupName="img-rg", galleryName="gal", imageName="ubuntu-22", version="1.1.0"
    )
    context = EditContext(user, world.org, world.own, Kind.STATELESS)
    group, _ = save_group(context, spec, status="draft", source="console")
    for number in range(2, revisions + 1):
        group, _ = save_group(
            context,
            {**spec, "description": f"revision {number}"},
            status="draft",
            source="console",
            group=group,
            expected_revision=group.revision,
        )
    return group


def _queries_to_open(client: Any, group: Group, django_assert_num_queries: Any) -> str:
    url = f"/groups/{group.pk}/"
    client.get(url)  # the first request of a session caches who is signed in
    # PostgreSQL without Redis reads the session and the signed-in user from the database
    # (console.settings.PRINCIPAL_CACHE); otherwise both come from a cache, with no query.
    signed_in = 0 if settings.PRINCIPAL_CACHE else 2
    with django_assert_num_queries(EDITOR_PAGE_QUERIES + signed_in):
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _signed_in(client: Any, world: SimpleNamespace) -> Any:
    world.editor = log_in_as(client, Role.EDITOR, organization=world.org).user
    return client


def test_opening_a_group_in_the_editor_costs_a_fixed_number_of_queries(
    client: Any, editor_world: SimpleNamespace, django_assert_num_queries: Any
) -> None:
    _signed_in(client, editor_world)
    page = _queries_to_open(client, _saved_group(editor_world), django_assert_num_queries)
    # What the page shows is all there: the cascade down to the version's details, the checks.
    assert 'id="level-details"' in page
    assert "Regions and replica counts" in page
    assert '<option value="1.1.0" selected>' in page


def test_the_count_does_not_grow_with_the_inventory_accounts_or_history(
    client: Any, editor_world: SimpleNamespace, django_assert_num_queries: Any
) -> None:
    _signed_in(client, editor_world)
    for number in range(5):
        account = AccountFactory(organization=editor_world.org, name=f"Team {number}")
        connect_account(account, display_name=f"Team {number} subscription")
    for number in range(40):
        version = ImageVersionFactory(
            image=editor_world.ubuntu, subscription=editor_world.own_sub, name=f"2.{number}.0"
        )
        VersionRegion.objects.create(version=version, region="eastus")
    group = _saved_group(editor_world, revisions=12)
    page = _queries_to_open(client, group, django_assert_num_queries)
    assert "Team 4 subscription" in page
    assert "2.39.0" in page
