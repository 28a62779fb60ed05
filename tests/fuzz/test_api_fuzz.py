"""Hypothesis over the Spot API: valid bodies spoiled at random paths with nasty values (the
issue's cases as explicit examples). Never a 5xx, always Spot's envelope; whatever was stored
reads back and every page showing it renders."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import example, given, strategies as st

from groups.models import Group
from tests.groups.api.bodies import group_body, node_body
from tests.groups.api.conftest import world  # noqa: F401  (the fixture)

from .pages import render_every_page
from .strategies import FUZZ_SETTINGS, RAW_1E999, form_text, mutations, spoiled, text, to_json

pytestmark = pytest.mark.django_db
GROUPS, NODES = "/azure/compute/group", "/azure/compute/statefulNode"
LAUNCH = ("compute", "launchSpecification")
tried: dict[str, int] = {}


def _send(client: Any, token: str, method: str, path: str, raw: str) -> tuple[int, dict]:
    response = client.generic(
        method, path, raw, content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )  # fmt: skip
    assert response.status_code < 500, (method, path, raw[:500], response.content[:500])
    body = json.loads(response.content)
    assert body["response"]["status"]["code"] == response.status_code
    if response.status_code != 200:
        errors = body["response"]["errors"]
        assert errors
        assert all(isinstance(e["code"], str) and e["message"] for e in errors)
    return response.status_code, body


def _check_stored(client: Any, token: str, path: str, answer: dict) -> None:
    """What the API accepted reads back through the API and opens in the editor."""
    for item in answer["response"].get("items", []):
        if "id" not in item:
            continue
        status, _ = _send(client, token, "GET", f"{path}/{item['id']}", "")
        assert status == 200
        group = Group.objects.get(pk=item["id"])
        editor = "groups" if group.kind == "stateless" else "nodes"
        assert client.get(f"/{editor}/{group.pk}/").status_code == 200


ISSUE_CASES = [
    [(("description",), "a\udc00b", "set")],
    [(("name",), "a\udc00b", "set")],
    [(("capacity", "maximum"), float("nan"), "set")],
    [(("capacity", "maximum"), float("inf"), "set")],
    [(("capacity", "maximum"), RAW_1E999, "set")],
    [(("capacity", "maximum"), 1e30, "set")],
    [(("capacity", "maximum"), 99999999999999999999, "set")],
    [(("strategy",), {"drainingTimeout": 10**12, "onDemandCount": 10**12}, "set")],
    [(("name",), "x" * 5000, "set")],
    [(("region",), "$%^&*", "set")],
    [(("resourceGroupName",), "rg with spaces/and*stars", "set")],
    [((*LAUNCH, "login", "sshPublicKey"), "not-a-key", "set")],
    [((*LAUNCH, "login"), {"userName": "azureuser", "password": "123"}, "set")],
    [((*LAUNCH, "vmNamePrefix"), "bad prefix!", "set")],
    [((*LAUNCH, "userData"), "A" * 200_000, "set")],
]


@pytest.mark.parametrize(
    ("kind", "path", "wrapper"), [("group", GROUPS, "group"), ("node", NODES, "statefulNode")]
)
def test_spoiled_bodies_never_get_a_server_error(client, world, kind, path, wrapper):  # noqa: F811
    token = world.tokens["admin"]
    client.force_login(world.members["admin"].user)  # for the pages; the API uses the token
    base = group_body() if kind == "group" else node_body()
    status, created = _send(client, token, "POST", path, json.dumps({wrapper: base}))
    assert status == 200
    existing = created["response"]["items"][0]["id"]

    @FUZZ_SETTINGS
    @given(changes=mutations(base), update=st.booleans())
    @example(changes=ISSUE_CASES[0], update=False)
    @example(changes=ISSUE_CASES[0], update=True)
    def run(changes: list, update: bool) -> None:
        body = to_json({wrapper: spoiled(base, changes)})
        method, target = ("PUT", f"{path}/{existing}") if update else ("POST", path)
        status, answer = _send(client, token, method, target, body)
        tried[kind] = tried.get(kind, 0) + 1
        if status == 200:
            _check_stored(client, token, path, answer)

    for case in ISSUE_CASES:
        run = example(changes=case, update=False)(run)
    run()
    render_every_page(client, world.organization, token)


def test_odd_whole_bodies_and_setup_endpoints(client, world, settings):  # noqa: F811
    token = world.tokens["admin"]
    # Credential checks must not leave the machine: no custom host is allowed.
    settings.AZURE_DEFAULT_CLOUD = "custom"
    settings.AZURE_DEFAULT_ARM_ENDPOINT = "https://127.0.0.1:9"
    settings.AZURE_DEFAULT_AUTHORITY_HOST = "https://127.0.0.1:9"
    settings.AZURE_ALLOWED_CUSTOM_HOSTS = []
    targets = [
        ("POST", GROUPS),
        ("POST", NODES),
        ("POST", "/setup/account"),
        ("PUT", f"/setup/account/{world.account.pk}"),
        ("POST", "/azure/setup/credentials/validation"),
        ("POST", "/azure/setup/credentials"),
        ("DELETE", f"{NODES}/ssn-00000000"),
    ]
    raw_bodies = st.one_of(
        st.sampled_from(["", "null", "[]", '"x"', "1e999", "NaN", '{"group": null}', "{" * 3000]),
        st.builds(lambda v: to_json({"account": {"name": v}}), text),
        st.builds(
            lambda k, v: to_json({"clientId": v, "clientSecret": v, "tenantId": v, k: v}),
            st.sampled_from(["subscriptionId", "extra"]),
            text,
        ),
        st.builds(lambda v: to_json({"deallocationConfig": v}), form_text),
    )

    @FUZZ_SETTINGS
    @given(target=st.sampled_from(targets), raw=raw_bodies)
    @example(target=("POST", "/setup/account"), raw='{"account": {"name": "   "}}')
    @example(target=("POST", "/setup/account"), raw='{"account": {"name": "a\\u0000b"}}')
    @example(
        target=("POST", "/azure/setup/credentials"),
        raw='{"clientId": "nope", "clientSecret": "s", "tenantId": "t", "subscriptionId": "s"}',
    )
    def run(target: tuple[str, str], raw: str) -> None:
        tried["setup"] = tried.get("setup", 0) + 1
        _send(client, token, target[0], target[1], raw)

    run()
    client.force_login(world.members["admin"].user)
    render_every_page(client, world.organization, token)


def teardown_module() -> None:
    print(f"\nAPI fuzz cases tried: {tried}")
