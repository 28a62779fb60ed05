"""Raw HTTP calls to the API through Django's test client, returning (status, parsed body).

Every answer is also read as spotinst-sdk-go reads it (tests/go_decode.py): `call` fails the
test when a Go client could not decode the answer, success or error. The decoder is set for
each test by the autouse fixture `every_answer_go_decoded` (tests/groups_api/conftest.py).
"""

from __future__ import annotations

import json
import re
from typing import Any

from django.test import Client

from tests.go_decode import GoDecoder

# RFC 3339 in UTC with milliseconds: what Spot sends and Go's time.Time reads.
RFC3339_MS = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")

# The Go item type each path's answers decode into; the first matching prefix wins.
GO_KINDS = (
    (re.compile(r"^/azure/compute/statefulNode/[^/]+/status"), "statefulNodeState"),
    (re.compile(r"^/azure/compute/statefulNode/import"), "statefulNodeImport"),
    (re.compile(r"^/azure/compute/statefulNode"), "statefulNode"),
    (re.compile(r"^/azure/compute/group"), "group"),
    (re.compile(r"^/setup/account"), "account"),
    (re.compile(r"^/azure/setup/credentials"), "azureCredentials"),
)


class Decoding:
    decoder: GoDecoder | None = None


def go_kind(path: str) -> str:
    return next((kind for pattern, kind in GO_KINDS if pattern.match(path)), "envelope")


def call(
    client: Client,
    method: str,
    path: str,
    body: Any = None,
    *,
    token: str | None = None,
    raw: bytes | str | None = None,
) -> tuple[int, dict[str, Any]]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    data = raw if raw is not None else (json.dumps(body) if body is not None else "")
    response = client.generic(
        method, path, data=data, content_type="application/json", headers=headers
    )
    assert response["Content-Type"].startswith("application/json"), response.content[:200]
    answer = json.loads(response.content)
    assert RFC3339_MS.fullmatch(answer["request"]["timestamp"]), answer["request"]
    if Decoding.decoder is not None:
        Decoding.decoder.decode(
            response.content, kind=go_kind(path.split("?")[0]), status=response.status_code
        )
    return response.status_code, answer


def error_codes(body: dict[str, Any]) -> list[str]:
    return [error["code"] for error in body["response"]["errors"]]


def error_fields(body: dict[str, Any]) -> set[str]:
    return {error.get("field", "") for error in body["response"]["errors"]}
