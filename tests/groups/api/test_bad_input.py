"""Bodies no database can store or no page can show: refused at parsing, in Spot's envelope."""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.urls import reverse

from console.models import AuditEntry
from groups.models import Group, Revision

from .bodies import group_body, node_body
from .http import call, error_codes, error_fields

GROUPS = "/azure/compute/group"
NODES = "/azure/compute/statefulNode"


@pytest.fixture
def editor(api_world):
    return api_world.tokens["editor"]


def _created(client, token, path=GROUPS, wrapper="group", body=None):
    status, answer = call(client, "POST", path, {wrapper: body or group_body()}, token=token)
    assert status == 200, answer
    return answer["response"]["items"][0]["id"]


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ('{"group": {"description": "a\\udc00b"}}', "description"),
        ('{"group": {"name": "a\\ud800"}}', "name"),
        ('{"group": {"tags": [{"tagKey": "k", "tagValue": "\\udfff"}]}}', "tags.0.tagValue"),
        ('{"group": {"a\\udc00b": 1}}', "group"),
        ('{"group": {"name": "nul\\u0000inside"}}', "name"),
    ],
)
def test_text_that_cant_be_stored_is_refused_with_its_field(client, editor, raw, field):
    audit_entries = AuditEntry.objects.count()
    status, answer = call(client, "POST", GROUPS, raw=raw, token=editor)
    assert status == 400
    assert error_codes(answer) == ["VALIDATION_ERROR"]
    assert error_fields(answer) == {field}
    assert not Group.objects.exists()
    assert AuditEntry.objects.count() == audit_entries


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e999", "-1e999"])
@pytest.mark.parametrize("where", ["capacity", "unknown"])
def test_numbers_json_cant_store_are_refused(client, editor, number, where):
    body = json.dumps({"group": group_body()})
    if where == "capacity":
        body = body.replace('"maximum": 2', f'"maximum": {number}')
    else:
        body = body.replace('"name": "web"', f'"name": "web", "extra": {{"x": [{number}]}}')
    assert number in body
    status, answer = call(client, "POST", GROUPS, raw=body, token=editor)
    assert status == 400, answer
    assert error_codes(answer) == ["VALIDATION_ERROR"]
    assert "finite number" in answer["response"]["errors"][0]["message"]
    assert not Group.objects.exists()


def test_an_update_with_nan_changes_nothing(client, editor):
    group_id = _created(client, editor)
    raw = '{"group": {"capacity": {"target": NaN}}}'
    status, _ = call(client, "PUT", f"{GROUPS}/{group_id}", raw=raw, token=editor)
    assert status == 400
    assert Group.objects.get(pk=group_id).revision == 1


def test_deep_nesting_and_non_utf8_are_refused(client, editor):
    deep = '{"group": {"x": ' + "[" * 5000 + "]" * 5000 + "}}"
    status, answer = call(client, "POST", GROUPS, raw=deep, token=editor)
    assert status == 400
    assert "nested more than" in answer["response"]["errors"][0]["message"]
    status, answer = call(client, "POST", GROUPS, raw=b'{"group": {"name": "\xff"}}', token=editor)
    assert status == 400
    assert "UTF-8" in answer["response"]["errors"][0]["message"]


def test_bodies_over_the_limit_are_413_on_every_endpoint(client, api_world, editor):
    admin = api_world.tokens["admin"]
    group_id = _created(client, editor)
    node_id = _created(client, editor, NODES, "statefulNode", node_body())
    too_big = json.dumps({"padding": "x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE})
    for method, path, token in [
        ("POST", GROUPS, editor),
        ("PUT", f"{GROUPS}/{group_id}", editor),
        ("POST", NODES, editor),
        ("PUT", f"{NODES}/{node_id}", editor),
        ("DELETE", f"{NODES}/{node_id}", editor),
        ("POST", "/setup/account", admin),
        ("PUT", f"/setup/account/{api_world.account.pk}", admin),
        ("POST", "/azure/setup/credentials", admin),
        ("POST", "/azure/setup/credentials/validation", admin),
    ]:
        status, answer = call(client, method, path, raw=too_big, token=token)
        assert status == 413, (method, path, answer)
        assert error_codes(answer) == ["PAYLOAD_TOO_LARGE"]
        assert answer["response"]["status"] == {"code": 413, "message": "Request Entity Too Large"}
    assert Group.objects.filter(pk__in=[group_id, node_id]).count() == 2


def test_a_surrogate_stored_before_the_parser_refused_it_breaks_no_page(client, api_world, editor):
    """SQLite kept such values (escaped in JSON); PostgreSQL never could. Pages read them back
    with U+FFFD in place of the surrogate."""
    from django.db import DataError, connection, transaction

    group_id = _created(client, editor)
    bad = {**group_body(), "description": "a\udc00b", "x\ud800": ["\udfff"]}
    if connection.vendor == "postgresql":
        with pytest.raises(DataError), transaction.atomic():
            Group.objects.filter(pk=group_id).update(spec=bad)
        return
    Group.objects.filter(pk=group_id).update(spec=bad)
    Revision.objects.filter(group_id=group_id).update(spec=bad)
    # the audit log shows what changed: the description, read back with U+FFFD
    AuditEntry.objects.filter(object_id=group_id).update(
        before={**bad, "description": "before"}, after=bad
    )
    client.force_login(api_world.members["admin"].user)
    for url in (
        reverse("groups:stateless_edit", args=[group_id]),
        reverse("groups:compare", args=[group_id]),
        reverse("console:audit"),
    ):
        page = client.get(url)
        assert page.status_code == 200, url
        assert "\ufffd" in page.content.decode() or "compare" in url, url
    status, answer = call(client, "GET", f"{GROUPS}/{group_id}", token=editor)
    assert status == 200
    assert answer["response"]["items"][0]["description"] == "a\ufffdb"


def test_unknown_fields_are_kept_as_sent_up_to_a_cap_each_and_in_all(client, editor):
    from groups.validation.limits import MAX_SPEC_BYTES, MAX_UNKNOWN_FIELD_BYTES

    body = group_body()
    launch = body["compute"]["launchSpecification"]
    launch["futureData"] = "A" * (MAX_UNKNOWN_FIELD_BYTES - 100)
    group_id = _created(client, editor, body=body)
    stored = Group.objects.get(pk=group_id).spec
    assert stored["compute"]["launchSpecification"]["futureData"] == launch["futureData"]

    launch["futureScript"] = "B" * (MAX_UNKNOWN_FIELD_BYTES + 1)
    status, answer = call(client, "PUT", f"{GROUPS}/{group_id}", {"group": body}, token=editor)
    assert status == 400
    assert error_fields(answer) == {"compute.launchSpecification.futureScript"}
    assert "bytes; a field this API does not know is kept only up to 98,304" in str(answer)

    del launch["futureScript"]
    for n in range(6):
        body[f"extra{n}"] = "C" * (MAX_UNKNOWN_FIELD_BYTES - 100)
    status, answer = call(client, "PUT", f"{GROUPS}/{group_id}", {"group": body}, token=editor)
    assert status == 400
    message = answer["response"]["errors"][0]["message"]
    assert message.endswith(f"at most {MAX_SPEC_BYTES:,} are kept.")
    assert Group.objects.get(pk=group_id).revision == 1


@pytest.mark.parametrize(
    ("path", "field"),
    [
        (f"{GROUPS}?accountId=act-%00", "accountId"),
        (f"{GROUPS}?name=web%00", "name"),
        (f"{GROUPS}/sig-%00", ""),
        ("/setup/account/act-%00", ""),
    ],
)
def test_a_nul_in_the_address_or_query_is_400_not_a_failed_lookup(client, api_world, path, field):
    status, answer = call(client, "GET", path, token=api_world.tokens["admin"])
    assert status == 400
    [problem] = answer["response"]["errors"]
    assert "contains a NUL character" in problem["message"]
    assert problem.get("field", "") == field


def test_a_nul_in_a_page_address_query_or_form_gets_a_400_page(client, api_world):
    client.force_login(api_world.members["admin"].user)
    for response in (
        client.get("/groups/sig-%00/"),
        client.get("/settings/audit/?action=x%00"),
        client.post("/switch-account/", {"account": "act-\x00"}),
    ):
        assert response.status_code == 400
        assert "contains a NUL character" in response.content.decode()


@pytest.mark.parametrize(
    ("content_type", "raw"),
    [
        ("multipart/form-data; boundary=x", b"--x\r\nbroken"),
        ("application/x-www-form-urlencoded", b"account=%00"),
        ("text/plain", b'{"account": {"name": "Plain"}}'),
    ],
)
def test_bodies_of_other_content_types_get_an_answer(client, api_world, content_type, raw):
    response = client.generic(
        "POST", "/setup/account", raw, content_type=content_type,
        headers={"Authorization": f"Bearer {api_world.tokens['admin']}"},
    )  # fmt: skip
    assert response.status_code in (200, 400)
    assert response.json()["response"]["status"]["code"] == response.status_code
