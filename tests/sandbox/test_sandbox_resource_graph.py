"""Azure Resource Graph's query endpoint, read by the real ResourceGraphClient: the designed
queries, paging and the table format (access, quota, lag, faults and refusals:
test_sandbox_resource_graph_limits.py).

The queries are the ones azure_sandbox/README.md documents for the console.
"""

from __future__ import annotations

from azure.mgmt.resourcegraph.models import QueryRequest, QueryRequestOptions

from azure_sandbox import Sandbox
from tests.sandbox.conftest import GraphFactory, http_client
from tests.sandbox.resource_graph import (
    COLUMNS,
    GALLERIES,
    IMAGES,
    NETWORKS,
    VERSIONS,
    query_all,
    subscription_ids,
    typed_query,
    world_ids,
)


def test_each_designed_query_lists_its_type_as_arm_serves_it(
    sandbox: Sandbox, graph: GraphFactory
) -> None:
    client = graph("Shared Images")
    scope = subscription_ids(sandbox, "Shared Images")
    expected = world_ids(sandbox, "Shared Images")
    for resource_type in (GALLERIES, IMAGES, VERSIONS, NETWORKS):
        rows, _ = query_all(client, typed_query(resource_type), scope)
        assert [row["id"] for row in rows] == sorted(expected[resource_type])
        assert {row["type"] for row in rows} == {resource_type}
        assert list(rows[0]) == [c.strip() for c in COLUMNS.split(",")]
    version_rows, _ = query_all(client, typed_query(VERSIONS), scope)
    row = version_rows[0]
    assert row["resourceGroup"] == "rg-image-build"  # lower-case, as Resource Graph has it
    assert row["subscriptionId"] == scope[0]
    # The properties are those of an ARM GET of the same version.
    token = sandbox.credential("Shared Images").get_token("https://management.azure.com/.default")
    with http_client(sandbox) as http:
        arm = http.get(
            f"{sandbox.base_url}{row['id']}?api-version=2026-03-03",
            headers={"Authorization": f"Bearer {token.token}"},
        ).json()
    assert row["properties"] == arm["properties"]
    assert row["location"] == arm["location"]
    assert row["name"] == arm["name"]
    network_rows, _ = query_all(client, typed_query(NETWORKS), scope)
    subnets = network_rows[0]["properties"]["subnets"]
    assert [s["name"] for s in subnets] == ["snet-packer", "snet-build-agents"]
    assert sandbox.request_log.entries("resource_graph.resources")[0].api_version == "2021-03-01"


def test_the_combined_gallery_query_sends_parents_before_children(
    sandbox: Sandbox, graph: GraphFactory
) -> None:
    scope = subscription_ids(sandbox, "Shared Images")
    rows, _ = query_all(graph("Shared Images"), typed_query(GALLERIES, IMAGES, VERSIONS), scope)
    expected = world_ids(sandbox, "Shared Images")
    assert len(rows) == len(expected[GALLERIES]) + len(expected[IMAGES]) + len(expected[VERSIONS])
    seen: set[str] = set()
    for row in rows:
        parent = row["id"].rsplit("/", 2)[0]
        if row["type"] != GALLERIES:
            assert parent in seen, f"{row['id']} came before its parent"
        seen.add(row["id"])


def test_pages_follow_skip_tokens_in_id_order_with_stable_totals(
    sandbox: Sandbox, graph: GraphFactory
) -> None:
    client = graph("Production")
    scope = subscription_ids(sandbox, "Production", "Shared Images")
    rows, answers = query_all(client, typed_query(VERSIONS), scope, top=7)
    ids = [row["id"] for row in rows]
    assert len(answers) == -(-len(ids) // 7) > 3
    assert len(set(ids)) == len(ids)
    assert ids == sorted(ids)
    assert {a.total_records for a in answers} == {len(ids)}
    assert [a.count for a in answers[:-1]] == [7] * (len(answers) - 1)
    assert {a.result_truncated for a in answers} == {"false"}
    assert answers[-1].skip_token is None
    assert all(a.skip_token for a in answers[:-1])

    descending, _ = query_all(client, typed_query(VERSIONS, order="desc"), scope, top=50)
    assert [row["id"] for row in descending] == ids[::-1]
    skipped, _ = query_all(client, typed_query(VERSIONS), scope, top=5, skip=10)
    assert [row["id"] for row in skipped] == ids[10:]


def test_rows_changing_between_pages_are_neither_repeated_nor_skipped(
    sandbox: Sandbox, graph: GraphFactory
) -> None:
    client = graph("Staging")
    scope = subscription_ids(sandbox, "Staging")
    query = typed_query(VERSIONS)
    everything, _ = query_all(client, query, scope)
    first = client.resources(
        QueryRequest(subscriptions=scope, query=query, options=QueryRequestOptions(top=10))
    )
    # The first row of the first page goes away before the second page is asked for.
    gone = first.data[0]["id"].split("/")
    image = sandbox.world.subscriptions[scope[0]].resource_groups[gone[4]]
    del image.galleries[gone[8]].images[gone[10]].versions[gone[12]]
    rest = client.resources(
        QueryRequest(
            subscriptions=scope,
            query=query,
            options=QueryRequestOptions(top=1000, skip_token=first.skip_token),
        )
    )
    assert [r["id"] for r in first.data + rest.data] == [r["id"] for r in everything]
    assert rest.total_records == len(everything) - 1


def test_only_dynamic_columns_cannot_be_paged_and_say_so(
    sandbox: Sandbox, graph: GraphFactory
) -> None:
    answer = graph("Staging").resources(
        QueryRequest(
            subscriptions=subscription_ids(sandbox, "Staging"),
            query=f"resources | where type =~ '{VERSIONS}' | project properties, tags",
            options=QueryRequestOptions(top=5),
        )
    )
    assert (answer.count, answer.result_truncated, answer.skip_token) == (5, "true", None)
    assert answer.total_records > 5


def test_table_format_has_typed_columns(sandbox: Sandbox, graph: GraphFactory) -> None:
    answer = graph("Staging").resources(
        QueryRequest(
            subscriptions=subscription_ids(sandbox, "Staging"),
            query=f"resources | where type =~ '{GALLERIES}' | project id, name, properties",
            options=QueryRequestOptions(result_format="table"),
        )
    )
    assert answer.data["columns"] == [
        {"name": "id", "type": "string"},
        {"name": "name", "type": "string"},
        {"name": "properties", "type": "object"},
    ]
    assert [row[1] for row in answer.data["rows"]] == ["gal_staging"]
