"""Azure Resource Graph's limits, read by the real ResourceGraphClient: what a principal may
read, the user quota, the write lag, faults, the shapes it refuses and malformed requests."""

from __future__ import annotations

import time
from typing import Any

import pytest
from azure.core.exceptions import HttpResponseError
from azure.mgmt.compute.models import GalleryImageVersion
from azure.mgmt.resourcegraph import ResourceGraphClient
from azure.mgmt.resourcegraph.models import QueryRequest, QueryRequestOptions

from azure_sandbox import Sandbox, generate_world
from azure_sandbox.world import QuotaSettings
from tests.sandbox.conftest import ComputeFactory, GraphFactory, http_client
from tests.sandbox.resource_graph import (
    GALLERIES,
    IMAGES,
    NETWORKS,
    VERSIONS,
    query_all,
    subscription_ids,
    typed_query,
)


def test_rows_are_those_the_principal_may_read(sandbox: Sandbox, graph: GraphFactory) -> None:
    everything = subscription_ids(sandbox, "Production", "Staging", "Shared Images")
    rows, _ = query_all(graph("Production"), typed_query(GALLERIES, IMAGES, NETWORKS), everything)
    shared = subscription_ids(sandbox, "Shared Images")[0]
    # Staging is left out silently; in Shared Images only the gallery shared with Production.
    assert {row["subscriptionId"] for row in rows} == {everything[0], shared}
    from_shared = [row for row in rows if row["subscriptionId"] == shared]
    assert {row["id"].split("/")[8] for row in from_shared} == {"gal_shared_main"}
    assert not [row for row in from_shared if row["type"] == NETWORKS]

    # No subscriptions named: every subscription of the tenant the principal reads.
    tenant_wide, _ = query_all(graph("Production"), typed_query(GALLERIES), None)
    assert {row["name"] for row in tenant_wide} == {"gal_prod_apps", "gal_shared_main"}

    with pytest.raises(HttpResponseError) as denied:
        graph("Staging").resources(
            QueryRequest(subscriptions=[shared], query=typed_query(GALLERIES))
        )
    assert denied.value.status_code == 403
    assert denied.value.error.code == "AccessDenied"
    with pytest.raises(HttpResponseError) as empty:
        graph("Staging").resources(QueryRequest(subscriptions=[], query=typed_query(GALLERIES)))
    assert empty.value.status_code == 400
    assert empty.value.error.details[0].code == "NoValidSubscriptionsInQueryRequest"
    with pytest.raises(HttpResponseError) as too_many:
        graph("Staging").resources(
            QueryRequest(
                subscriptions=[f"{i:08d}" for i in range(1001)], query=typed_query(GALLERIES)
            )
        )
    assert too_many.value.status_code == 400


def test_the_user_quota_is_counted_down_then_refused_with_retry_after(
    sandbox: Sandbox,
) -> None:
    # The documented default: 15 queries per 5-second window per user. The window is made
    # long here so that a slow machine cannot let it close while the test counts down.
    assert sandbox.world.settings.throttle.resource_graph == QuotaSettings(15, 5)
    sandbox.world.settings.throttle.resource_graph = QuotaSettings(15, 300)
    token = sandbox.credential("Staging").get_token("https://management.azure.com/.default")
    body = {
        "subscriptions": subscription_ids(sandbox, "Staging"),
        "query": typed_query(GALLERIES),
    }
    url = f"{sandbox.base_url}/providers/Microsoft.ResourceGraph/resources?api-version=2021-03-01"
    headers = {"Authorization": f"Bearer {token.token}"}
    with http_client(sandbox) as http:
        answers = [http.post(url, json=body, headers=headers) for _ in range(16)]
        other = sandbox.credential("Production").get_token("https://management.azure.com/.default")
        someone_else = http.post(
            url,
            json={**body, "subscriptions": subscription_ids(sandbox, "Production")},
            headers={"Authorization": f"Bearer {other.token}"},
        )
    remaining = [a.headers["x-ms-user-quota-remaining"] for a in answers]
    assert remaining == [str(n) for n in range(14, -1, -1)] + ["0"]
    assert [a.status_code for a in answers] == [200] * 15 + [429]
    refused = answers[-1]
    assert refused.json()["error"]["code"] == "RateLimiting"
    assert refused.json()["error"]["details"][0]["code"] == "RateLimiting"
    retry_after = int(refused.headers["Retry-After"])
    assert 1 <= retry_after <= 300
    hours, minutes, seconds = refused.headers["x-ms-user-quota-resets-after"].split(":")
    assert hours == "00"
    assert int(minutes) * 60 + int(seconds) == retry_after
    assert someone_else.status_code == 200  # each user has their own quota
    assert sandbox.request_log.throttled_count == 1


def test_the_client_honours_the_quota_and_gets_every_page(
    sandbox: Sandbox, graph: GraphFactory
) -> None:
    quota = QuotaSettings(queries=2, window_seconds=3)
    sandbox.world.settings.throttle.resource_graph = quota
    scope = subscription_ids(sandbox, "Production", "Shared Images")
    started = time.monotonic()
    rows, answers = query_all(graph("Production"), typed_query(VERSIONS), scope, top=30)
    elapsed = time.monotonic() - started
    assert len(answers) > 3
    assert len(rows) == answers[0].total_records
    statuses = [e.status for e in sandbox.request_log.entries("resource_graph.resources")]
    assert statuses.count(200) == len(answers)
    assert 429 in statuses
    windows = -(-len(answers) // quota.queries)
    assert elapsed >= (windows - 1) * quota.window_seconds  # no more got through than allowed


def test_writes_reach_resource_graph_after_the_lag(
    sandbox: Sandbox, graph: GraphFactory, compute: ComputeFactory
) -> None:
    sandbox.world.settings.resource_graph_lag_seconds = 3600
    pipeline = compute("sp-image-pipeline", "Shared Images")
    rg, gallery, image = "rg-shared-images", "gal_shared_main", "rhel-9"
    existing = [
        v.name for v in pipeline.gallery_image_versions.list_by_gallery_image(rg, gallery, image)
    ]
    pipeline.gallery_image_versions.begin_create_or_update(
        rg, gallery, image, "9.9.9", GalleryImageVersion(location="eastus")
    ).result()
    pipeline.gallery_image_versions.begin_delete(rg, gallery, image, existing[0]).result()
    image_model = pipeline.gallery_images.get(rg, gallery, image)
    image_model.description = "Rebuilt with the 2027 baseline"
    pipeline.gallery_images.begin_create_or_update(rg, gallery, image, image_model).result()
    assert pipeline.gallery_image_versions.get(rg, gallery, image, "9.9.9").name == "9.9.9"

    client = graph("Shared Images")
    scope = subscription_ids(sandbox, "Shared Images")

    def graph_view() -> tuple[set[str], str]:
        rows, _ = query_all(client, typed_query(IMAGES, VERSIONS), scope)
        names = {
            r["name"] for r in rows if r["id"].split("/")[10] == image and r["type"] == VERSIONS
        }
        [image_row] = [r for r in rows if r["type"] == IMAGES and r["name"] == image]
        return names, image_row["properties"].get("description", "")

    names, description = graph_view()
    assert "9.9.9" not in names  # published, not yet in Resource Graph
    assert existing[0] in names  # deleted, still in Resource Graph
    assert description != "Rebuilt with the 2027 baseline"

    sandbox.world.settings.resource_graph_lag_seconds = 0
    names, description = graph_view()
    assert "9.9.9" in names
    assert existing[0] not in names
    assert description == "Rebuilt with the 2027 baseline"


def test_a_short_lag_passes_and_the_write_shows_up(
    sandbox: Sandbox, graph: GraphFactory, compute: ComputeFactory
) -> None:
    sandbox.world.settings.resource_graph_lag_seconds = 1.0
    pipeline = compute("sp-image-pipeline", "Shared Images")
    started = time.monotonic()
    pipeline.gallery_image_versions.begin_create_or_update(
        "rg-shared-images",
        "gal_shared_main",
        "debian-12",
        "7.7.7",
        GalleryImageVersion(location="eastus"),
    ).result()
    client = graph("Shared Images")
    scope = subscription_ids(sandbox, "Shared Images")
    query = f"resources | where type =~ '{VERSIONS}' | project id, name | order by id asc"
    deadline = started + 30
    while True:
        rows, _ = query_all(client, query, scope)
        if any(r["name"] == "7.7.7" for r in rows):
            break
        assert time.monotonic() < deadline, "the write never reached Resource Graph"
        time.sleep(0.1)
    assert time.monotonic() - started >= 1.0


@pytest.mark.parametrize(
    ("query", "token", "detail"),
    [
        (f"resources | where type =~ '{GALLERIES}' | limit 5", "limit", "SandboxUnsupportedQuery"),
        ("resources | summarize count() by type", "summarize", "SandboxUnsupportedQuery"),
        (
            f"resources | where type =~ '{GALLERIES}' | extend g = name",
            "extend",
            "SandboxUnsupportedQuery",
        ),
        (
            f"resources | where type =~ '{GALLERIES}' | project id, owner",
            "owner",
            "SandboxUnsupportedQuery",
        ),
        ("resources | where name =~ 'gal_staging'", "name", "SandboxUnsupportedQuery"),
        (
            f"securityresources | where type =~ '{GALLERIES}'",
            "securityresources",
            "SandboxUnsupportedQuery",
        ),
        (
            f"resources | where type =~ '{GALLERIES}' | order by name asc",
            "name",
            "SandboxUnsupportedQuery",
        ),
        (f"resources | where type =~ '{GALLERIES} | project id", "'", "ParserFailure"),
    ],
)
def test_queries_outside_the_served_shapes_are_refused_as_resource_graph_does(
    sandbox: Sandbox, graph: GraphFactory, query: str, token: str, detail: str
) -> None:
    with pytest.raises(HttpResponseError) as refused:
        graph("Staging").resources(
            QueryRequest(subscriptions=subscription_ids(sandbox, "Staging"), query=query)
        )
    error = refused.value
    assert error.status_code == 400
    assert error.error.code == "BadRequest"
    assert [d.code for d in error.error.details] == ["InvalidQuery", detail]
    assert "Query is invalid" in error.error.details[0].message
    body = refused.value.response.json()["error"]["details"][1]
    assert body["token"] == token
    assert body["line"] == 1
    assert query[body["characterPositionInLine"] :].startswith(token)


def test_faults_arm_on_the_resource_graph_route(sandbox: Sandbox, graph: GraphFactory) -> None:
    sandbox.faults.add(kind="throttle", path_pattern="resourcegraph", count=1, retry_after=1)
    sandbox.faults.add(kind="fail_page", path_pattern="resourcegraph", page=2, status=500, count=10)
    scope = subscription_ids(sandbox, "Staging")
    client = graph("Staging", retry_total=1)
    first = client.resources(
        QueryRequest(
            subscriptions=scope, query=typed_query(VERSIONS), options=QueryRequestOptions(top=5)
        )
    )  # the SDK waited out the injected 429 and asked again
    assert [e.status for e in sandbox.request_log.entries("resource_graph.resources")] == [429, 200]
    with pytest.raises(HttpResponseError) as failed:
        client.resources(
            QueryRequest(
                subscriptions=scope,
                query=typed_query(VERSIONS),
                options=QueryRequestOptions(top=5, skip_token=first.skip_token),
            )
        )
    assert failed.value.status_code == 500


def test_a_thousand_subscriptions_in_one_query(tmp_path: Any) -> None:
    world = generate_world(
        subscriptions=1000,
        galleries_per_subscription=1,
        images_per_gallery=1,
        versions_per_image=2,
        virtual_networks_per_subscription=1,
    )
    with Sandbox(world, state_dir=tmp_path) as sandbox:
        client = ResourceGraphClient(sandbox.credential("sp-reader-all"), **sandbox.client_kwargs())
        scope = [s.id for s in sandbox.world.subscriptions.values()]
        networks, answers = query_all(client, typed_query(NETWORKS), scope)
        assert len(networks) == 1000
        assert len(answers) == 1
        inventory, answers = query_all(client, typed_query(GALLERIES, IMAGES, VERSIONS), scope)
        assert len(inventory) == 4000
        assert len(answers) == 4
        assert len({row["subscriptionId"] for row in inventory}) == 1000
        # One subscription's own principal sees only its subscription in the same query.
        own = sandbox.credential("sp-sub-007")
        mine, _ = query_all(
            ResourceGraphClient(own, **sandbox.client_kwargs()), typed_query(GALLERIES), scope
        )
        assert [row["name"] for row in mine] == ["gallery_007_00"]


def test_an_omit_fault_hides_rows_from_resource_graph(
    sandbox: Sandbox, graph: GraphFactory
) -> None:
    sandbox.faults.add(kind="omit", path_pattern="resourcegraph", item_pattern="/gal_staging$")
    answer = graph("Staging").resources(
        QueryRequest(
            subscriptions=subscription_ids(sandbox, "Staging"), query=typed_query(GALLERIES)
        )
    )
    assert (answer.count, answer.data) == (0, [])


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"not json", "InvalidRequestContent"),
        (b'{"subscriptions": []}', "InvalidRequestContent"),
        (b'{"query": "resources | where type =~ \'x\'", "options": []}', "InvalidRequestContent"),
        (
            b'{"query": "resources | where type =~ \'x\'", "options": {"$top": 5000}}',
            "InvalidParameter",
        ),
        (
            b'{"query": "resources | where type =~ \'x\'", "options": {"$skipToken": "%%"}}',
            "InvalidSkipToken",
        ),
        (
            b'{"query": "resources | where type =~ \'x\'", "managementGroups": ["root"]}',
            "UnsupportedScope",
        ),
    ],
)
def test_malformed_requests_are_400s_with_a_reason(
    sandbox: Sandbox, body: bytes, code: str
) -> None:
    token = sandbox.credential("Staging").get_token("https://management.azure.com/.default")
    with http_client(sandbox) as http:
        answer = http.post(
            f"{sandbox.base_url}/providers/Microsoft.ResourceGraph/resources?api-version=2021-03-01",
            content=body,
            headers={"Authorization": f"Bearer {token.token}", "Content-Type": "application/json"},
        )
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "BadRequest"
    assert answer.json()["error"]["details"][0]["code"] == code
