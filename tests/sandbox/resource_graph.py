"""What the Resource Graph tests share: the queries the console sends, paging through every
page, and the ids the sandbox's world should answer (the `graph` client fixture: conftest.py)."""

from __future__ import annotations

from typing import Any

from azure.mgmt.resourcegraph import ResourceGraphClient
from azure.mgmt.resourcegraph.models import QueryRequest, QueryRequestOptions

from azure_sandbox import Sandbox

GALLERIES = "microsoft.compute/galleries"
IMAGES = "microsoft.compute/galleries/images"
VERSIONS = "microsoft.compute/galleries/images/versions"
NETWORKS = "microsoft.network/virtualnetworks"
COLUMNS = "id, name, type, subscriptionId, resourceGroup, location, tags, properties"


def typed_query(*types: str, order: str = "asc") -> str:
    """The console's queries: one type, or several with ``in~``."""
    if len(types) == 1:
        where = f"type =~ '{types[0]}'"
    else:
        where = "type in~ (" + ", ".join(f"'{t}'" for t in types) + ")"
    return f"resources\n| where {where}\n| project {COLUMNS}\n| order by id {order}"


def subscription_ids(sandbox: Sandbox, *names: str) -> list[str]:
    ids = []
    for name in names:
        sub = sandbox.world.subscription_named(name)
        assert sub is not None
        ids.append(sub.id)
    return ids


def query_all(
    client: ResourceGraphClient,
    query: str,
    subscriptions: list[str] | None,
    top: int | None = None,
    **options: Any,
) -> tuple[list[dict[str, Any]], list[Any]]:
    """Every row of ``query``, following skip tokens; also each answer."""
    rows: list[dict[str, Any]] = []
    answers = []
    token = None
    while True:
        answer = client.resources(
            QueryRequest(
                subscriptions=subscriptions,
                query=query,
                options=QueryRequestOptions(
                    top=top, skip_token=token, result_format="objectArray", **options
                ),
            )
        )
        answers.append(answer)
        rows += answer.data
        token = answer.skip_token
        if not token:
            return rows, answers


def world_ids(sandbox: Sandbox, subscription: str) -> dict[str, list[str]]:
    """The ids of every gallery, image, version and network of a subscription, from the world."""
    sub = sandbox.world.subscription_named(subscription)
    assert sub is not None
    ids: dict[str, list[str]] = {GALLERIES: [], IMAGES: [], VERSIONS: [], NETWORKS: []}
    for group in sub.resource_groups.values():
        base = f"/subscriptions/{sub.id}/resourceGroups/{group.name}/providers"
        for vnet in group.virtual_networks.values():
            ids[NETWORKS].append(f"{base}/Microsoft.Network/virtualNetworks/{vnet.name}")
        for gallery in group.galleries.values():
            gallery_id = f"{base}/Microsoft.Compute/galleries/{gallery.name}"
            ids[GALLERIES].append(gallery_id)
            for image in gallery.images.values():
                ids[IMAGES].append(f"{gallery_id}/images/{image.name}")
                ids[VERSIONS] += [
                    f"{gallery_id}/images/{image.name}/versions/{v.name}"
                    for v in image.versions.values()
                ]
    return ids
