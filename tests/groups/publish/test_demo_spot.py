"""`manage.py connect_demo_spot`: the demo's accounts publish to "Spot (demo)", a second
organization of this console, through a token of its service user; running it again keeps one
connection per account and replaces the token."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from console.models import Organization
from console.services import authenticate_token
from galleries.crypto import decrypt_secret
from galleries.demo import connect_demo_sandbox
from groups.publish.demo import SPOT_ORGANIZATION, SPOT_PASSWORD, SPOT_USER
from groups.publish.models import SpotConnection
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

ENDPOINT = "http://127.0.0.1:8400"


def _run(sandbox_dir: Path) -> str:
    out = StringIO()
    call_command(
        "connect_demo_spot",
        "--sandbox",
        str(sandbox_dir),
        "--endpoint",
        ENDPOINT + "/",
        "--wait-for-sandbox",
        "1",
        stdout=out,
    )
    return out.getvalue()


def _connections() -> dict[str, tuple[str, str, str]]:
    """Account name -> (base URL, Spot account id, decrypted token)."""
    return {
        c.account.name: (c.base_url, c.spot_account_id, decrypt_secret(c.token_encrypted))
        for c in SpotConnection.objects.select_related("account")
    }


def test_the_demo_publishes_to_a_second_organization_of_this_console(
    fresh_azure_sandbox: Any, tmp_path: Path, client: Any
) -> None:
    (tmp_path / "connection.json").write_text(json.dumps(fresh_azure_sandbox.connection))
    contoso = OrganizationFactory(name="Contoso")
    connect_demo_sandbox(contoso, tmp_path, wait_seconds=1)  # as seed_demo does first
    output = _run(tmp_path)

    spot = Organization.objects.get(name=SPOT_ORGANIZATION)
    twins = {a.name: a.id for a in spot.accounts.all()}
    first = _connections()
    assert sorted(first) == ["Production", "Shared Images", "Staging"]
    for name, (base_url, spot_account_id, token) in first.items():
        assert base_url == ENDPOINT
        assert spot_account_id == twins[name]  # the twin account in "Spot (demo)"
        found = authenticate_token(token)
        assert found is not None
        assert found.organization == spot
        assert found.user.username == SPOT_USER
    assert {c.account.organization for c in SpotConnection.objects.all()} == {contoso}
    assert f"Production publishes to {ENDPOINT} as Spot account {twins['Production']}" in output
    assert f"{SPOT_USER} / {SPOT_PASSWORD}" in output
    assert first["Production"][2] not in output  # the token is never printed
    answer = client.post("/login/", {"username": SPOT_USER, "password": SPOT_PASSWORD})
    assert answer.status_code == 302

    # Again (every `make run`): one connection per account, a new token, the old one revoked.
    _run(tmp_path)
    second = _connections()
    assert SpotConnection.objects.count() == 3
    assert Organization.objects.filter(name=SPOT_ORGANIZATION).count() == 1
    assert second["Production"][1] == first["Production"][1]
    assert second["Production"][2] != first["Production"][2]
    assert authenticate_token(first["Production"][2]) is None
    assert authenticate_token(second["Production"][2]) is not None
