"""Raw HTTP calls to the API through Django's test client, returning (status, parsed body)."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client


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
    return response.status_code, json.loads(response.content)


def error_codes(body: dict[str, Any]) -> list[str]:
    return [error["code"] for error in body["response"]["errors"]]


def error_fields(body: dict[str, Any]) -> set[str]:
    return {error.get("field", "") for error in body["response"]["errors"]}
