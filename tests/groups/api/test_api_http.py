"""The API over raw HTTP: Spot's envelope on every answer, error codes, roles and tenancy."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

from console.models import Role
from console.services import create_api_token, revoke_api_token
from groups.models import Group
from tests.factories import MembershipFactory

from .bodies import group_body, node_body
from .http import call, error_codes, error_fields

GROUPS = "/azure/compute/group"
NODES = "/azure/compute/statefulNode"


@pytest.fixture
def editor(api_world):
    return api_world.tokens["editor"]


def create_group(client, token, body=None, query=""):
    status, answer = call(
        client, "POST", GROUPS + query, {"group": body or group_body()}, token=token
    )
    assert status == 200, answer
    return answer["response"]["items"][0]


def test_create_answers_in_spots_envelope(client, api_world, editor):
    status, answer = call(
        client,
        "POST",
        GROUPS,
        {"group": group_body()},
        token=editor,
    )
    assert status == 200
    assert set(answer["request"]) == {"id", "url", "method", "timestamp"}
    assert answer["request"]["method"] == "POST"
    response = answer["response"]
    assert response["status"] == {"code": 200, "message": "OK"}
    assert response["kind"] == "spotinst:azure:compute:group"
    assert response["count"] == 1
    item = response["items"][0]
    assert item["id"].startswith("sig-")
    assert len(item["id"]) == 12
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", item["createdAt"])
    group = Group.objects.get(pk=item["id"])
    assert group.account == api_world.account  # no accountId: the oldest account
    assert group.status == "active"


def test_get_list_filters_and_delete(client, api_world, editor):
    item = create_group(client, editor)
    other = group_body()
    other["name"] = "batch"
    create_group(client, editor, other)
    status, answer = call(client, "GET", f"{GROUPS}/{item['id']}", token=api_world.tokens["viewer"])
    assert status == 200
    assert answer["response"]["items"][0]["name"] == "web"
    status, answer = call(client, "GET", f"{GROUPS}?name=batch", token=editor)
    assert [i["name"] for i in answer["response"]["items"]] == ["batch"]
    status, answer = call(client, "GET", f"{GROUPS}?region=westeurope", token=editor)
    assert answer["response"]["items"] == []
    assert answer["response"]["count"] == 0
    status, answer = call(client, "DELETE", f"{GROUPS}/{item['id']}", token=editor)
    assert status == 200
    assert answer["response"]["status"]["code"] == 200
    status, answer = call(client, "GET", f"{GROUPS}/{item['id']}", token=editor)
    assert status == 404
    assert error_codes(answer) == ["GROUP_DOESNT_EXIST"]


def test_body_that_is_not_json(client, editor):
    status, answer = call(client, "POST", GROUPS, raw=b"{not json", token=editor)
    assert status == 400
    assert error_codes(answer) == ["VALIDATION_ERROR"]
    assert "not valid JSON" in answer["response"]["errors"][0]["message"]
    status, answer = call(client, "POST", GROUPS, raw=b"[1, 2]", token=editor)
    assert status == 400
    assert error_codes(answer) == ["VALIDATION_ERROR"]


def test_wrong_types_and_missing_fields_name_the_field(client, editor):
    body = group_body()
    body["capacity"]["target"] = "two"
    del body["region"]
    body["compute"]["os"] = "Solaris"
    status, answer = call(client, "POST", GROUPS, {"group": body}, token=editor)
    assert status == 400
    fields = {(e["code"], e["field"]) for e in answer["response"]["errors"]}
    assert ("VALIDATION_ERROR", "capacity.target") in fields
    assert ("MISSING_REQUIRED_FIELD", "region") in fields
    assert ("VALIDATION_ERROR", "compute.os") in fields
    assert not Group.objects.exists()


def test_gallery_problems_come_back_with_their_code(client, editor):
    status, answer = call(
        client, "POST", GROUPS, {"group": group_body(version="7.7.7")}, token=editor
    )
    assert status == 400
    assert error_codes(answer) == ["GALLERY_VERSION_NOT_FOUND"]
    assert error_fields(answer) == {"compute.launchSpecification.image.gallery.version"}


def test_unknown_account(client, editor):
    status, answer = call(client, "GET", f"{GROUPS}?accountId=act-00000000", token=editor)
    assert status == 400
    assert error_codes(answer) == ["UNKNOWN_ACCOUNT"]


def test_missing_invalid_and_revoked_tokens(client, api_world):
    assert call(client, "GET", GROUPS)[0] == 401
    status, answer = call(client, "GET", GROUPS, token="gc_not-a-real-token")
    assert status == 401
    assert error_codes(answer) == ["UNAUTHORIZED"]
    member = api_world.members["editor"]
    token, raw = create_api_token(user=member.user, organization=api_world.organization, name="x")
    assert call(client, "GET", GROUPS, token=raw)[0] == 200
    revoke_api_token(token=token, actor=member.user)
    status, answer = call(client, "GET", GROUPS, token=raw)
    assert status == 401
    assert error_codes(answer) == ["UNAUTHORIZED"]


def test_viewer_reads_but_never_writes(client, api_world, editor):
    item = create_group(client, editor)
    viewer = api_world.tokens["viewer"]
    status, answer = call(client, "POST", GROUPS, {"group": group_body()}, token=viewer)
    assert status == 403
    assert error_codes(answer) == ["FORBIDDEN"]
    status, _ = call(
        client, "PUT", f"{GROUPS}/{item['id']}", {"group": {"name": "x"}}, token=viewer
    )
    assert status == 403
    assert call(client, "DELETE", f"{GROUPS}/{item['id']}", token=viewer)[0] == 403
    assert Group.objects.get(pk=item["id"]).name == "web"


def test_another_organizations_group_does_not_exist(client, api_world, editor):
    item = create_group(client, editor)
    stranger = MembershipFactory(role=Role.ADMIN)
    _, raw = create_api_token(user=stranger.user, organization=stranger.organization, name="s")
    for method in ("GET", "DELETE"):
        status, answer = call(client, method, f"{GROUPS}/{item['id']}", token=raw)
        assert status == 404
        assert error_codes(answer) == ["GROUP_DOESNT_EXIST"]
    status, answer = call(
        client, "PUT", f"{GROUPS}/{item['id']}", {"group": {"name": "mine"}}, token=raw
    )
    assert status == 404
    assert error_codes(answer) == ["GROUP_DOESNT_EXIST"]
    status, answer = call(client, "GET", f"{GROUPS}?accountId={api_world.account.id}", token=raw)
    assert error_codes(answer) == ["UNKNOWN_ACCOUNT"]


def test_put_merges_replaces_the_image_and_null_clears(client, editor):
    body = group_body()
    body["description"] = "front end"
    item = create_group(client, editor, body)
    patch = {
        "description": None,
        "capacity": {"target": 2},
        "compute": {
            "launchSpecification": {
                "image": {
                    "marketplace": {
                        "publisher": "Canonical",
                        "offer": "0001-com-ubuntu-server-jammy",
                        "sku": "22_04-lts-gen2",
                        "version": "latest",
                    }
                }
            }
        },
    }
    status, answer = call(client, "PUT", f"{GROUPS}/{item['id']}", {"group": patch}, token=editor)
    assert status == 200, answer
    updated = answer["response"]["items"][0]
    assert "description" not in updated
    assert updated["capacity"] == {"minimum": 0, "maximum": 2, "target": 2}
    assert list(updated["compute"]["launchSpecification"]["image"]) == ["marketplace"]
    assert updated["compute"]["launchSpecification"]["network"]["virtualNetworkName"] == "vnet"


def test_region_cannot_change_after_creation(client, editor):
    item = create_group(client, editor)
    status, answer = call(
        client, "PUT", f"{GROUPS}/{item['id']}", {"group": {"region": "westus"}}, token=editor
    )
    assert status == 400
    assert error_fields(answer) == {"region"}


# Every key Spot's schema requires of a scaling policy.
SCALE_UP_POLICY = {
    "policyName": "cpu-high",
    "metricName": "Percentage CPU",
    "namespace": "Microsoft.Compute",
    "statistic": "average",
    "threshold": 80,
    "period": 300,
    "evaluationPeriods": 2,
    "cooldown": 300,
    "operator": "gte",
    "isEnabled": True,
    "action": {"type": "adjustment", "adjustment": "1"},
}


def test_round_trip_keeps_unknown_fields(client, editor):
    body = group_body()
    body["scaling"] = {"up": [SCALE_UP_POLICY]}
    body["compute"]["launchSpecification"]["tags"] = [{"tagKey": "team", "tagValue": "web"}]
    body["compute"]["launchSpecification"]["someFutureField"] = {"nested": [1, {"a": None}]}
    item = create_group(client, editor, body)
    _status, answer = call(client, "GET", f"{GROUPS}/{item['id']}", token=editor)
    fetched = answer["response"]["items"][0]
    for key in ("id", "createdAt", "updatedAt"):
        fetched.pop(key)
    assert fetched == body


def test_password_is_never_returned(client, api_world, editor):
    body = group_body()
    body["compute"]["launchSpecification"]["login"]["password"] = "Sup3r-Secret-Pa55"
    status, answer = call(client, "POST", GROUPS, {"group": body}, token=editor)
    assert status == 200
    assert "Sup3r-Secret-Pa55" not in str(answer)
    item_id = answer["response"]["items"][0]["id"]
    for path in (GROUPS, f"{GROUPS}/{item_id}"):
        status, answer = call(client, "GET", path, token=editor)
        assert "Sup3r-Secret-Pa55" not in str(answer)
        assert "password" not in str(answer)
    assert Group.objects.get(pk=item_id).login_password_encrypted


def test_stateful_node_endpoints_and_delete_bodies(client, editor):
    status, answer = call(client, "POST", NODES, {"statefulNode": node_body()}, token=editor)
    assert status == 200, answer
    assert answer["response"]["kind"] == "spotinst:azure:statefulNode"
    node = answer["response"]["items"][0]
    assert node["id"].startswith("ssn-")
    assert node["compute"]["launchSpecification"]["image"]["gallery"]["versionName"] == "latest"
    status, answer = call(
        client,
        "DELETE",
        f"{NODES}/{node['id']}",
        {"deallocationConfig": {"shouldTerminateVm": True}},
        token=editor,
    )
    assert status == 200
    status, answer = call(client, "POST", NODES, {"statefulNode": node_body()}, token=editor)
    second = answer["response"]["items"][0]["id"]
    assert call(client, "DELETE", f"{NODES}/{second}", token=editor)[0] == 200  # empty body
    assert not Group.objects.exists()


def test_stateful_node_rules(client, editor):
    body = node_body()
    del body["persistence"]["shouldPersistNetwork"]
    status, answer = call(client, "POST", NODES, {"statefulNode": body}, token=editor)
    assert status == 400
    assert ("MISSING_REQUIRED_FIELD", "persistence.shouldPersistNetwork") in {
        (e["code"], e["field"]) for e in answer["response"]["errors"]
    }
    body = node_body()
    body["persistence"]["shouldPersistOsDisk"] = True
    status, answer = call(client, "POST", NODES, {"statefulNode": body}, token=editor)
    node_id = answer["response"]["items"][0]["id"]
    patch = {
        "compute": {
            "launchSpecification": {
                "image": {
                    "gallery": {
                        "resourceGroupName": "rg-images",
                        "galleryName": "contosogallery",
                        "imageName": "ubuntu-22",
                        "versionName": "1.0.0",
                    }
                }
            }
        }
    }
    status, answer = call(
        client, "PUT", f"{NODES}/{node_id}", {"statefulNode": patch}, token=editor
    )
    assert status == 400
    assert "persists its OS disk" in answer["response"]["errors"][0]["message"]


@pytest.mark.parametrize(
    ("method", "path", "status", "code"),
    [
        ("GET", "/azure/compute/nothing-here", 404, "NOT_FOUND"),
        ("GET", "/setup/unknown/path", 404, "NOT_FOUND"),
        # A line break in the path (schemathesis found it): still the API's JSON, not a page.
        ("GET", "/azure/compute/group/import/%0A", 404, "NOT_FOUND"),
        ("GET", "/api/inventory/%0A/x", 404, "NOT_FOUND"),
        ("PATCH", GROUPS, 405, "METHOD_NOT_ALLOWED"),
        ("POST", f"{GROUPS}/sig-12345678", 405, "METHOD_NOT_ALLOWED"),
    ],
)
def test_unknown_paths_and_methods_answer_in_the_envelope(
    client, editor, method, path, status, code
):
    got, answer = call(client, method, path, token=editor)
    assert got == status
    assert error_codes(answer) == [code]
    assert answer["response"]["status"]["code"] == status


def test_openapi_document_lists_spots_operations(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    document = response.json()
    operation_ids = {
        op["operationId"] for path in document["paths"].values() for op in path.values()
    }
    assert {"elastigroupAzureSpotVmsCreate", "azureStatefulNodeDelete"} <= operation_ids
    assert "Write-only" in str(document)


def test_every_operation_in_the_openapi_document_has_its_own_id(client):
    # Client generators name a method per operation id; two calls sharing one lose a method.
    document = client.get("/api/openapi.json").json()
    operation_ids = [
        op["operationId"] for path in document["paths"].values() for op in path.values()
    ]
    repeated = {name for name in operation_ids if operation_ids.count(name) > 1}
    assert not repeated


def test_docs_page_loads_swagger_from_this_server(client):
    page = client.get("/api/docs").content.decode()
    assets = re.findall(r'<(?:link|script)[^>]*(?:href|src)="([^"]+)"', page)
    assert assets
    for url in assets:
        assert url.startswith(settings.STATIC_URL), url
        assert finders.find(url.removeprefix(settings.STATIC_URL)), url


def test_docs_page_links_back_to_the_console(client):
    page = client.get("/api/docs").content.decode()
    assert '<a href="/">← Back to the console</a>' in page


@pytest.mark.parametrize("path", ["/api/docs", "/api/openapi.json"])
def test_docs_switched_off_answer_like_any_unknown_api_path(client, settings, path, api_world):
    settings.API_DOCS_ENABLED = False
    response = client.get(path)
    assert response.status_code == 404
    assert error_codes(response.json()) == ["NOT_FOUND"]
    assert response.json()["response"]["status"]["code"] == 404
    # The settings page no longer links to them.
    client.force_login(api_world.members["admin"].user)
    assert "/api/docs" not in client.get("/settings/").content.decode()
    settings.API_DOCS_ENABLED = True
    assert client.get(path).status_code == 200
    assert 'href="/api/docs"' in client.get("/settings/").content.decode()
