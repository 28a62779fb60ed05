"""What spotinst-sdk2 sends and receives, recorded at the HTTP layer: each answer, success or
error, must also decode as spotinst-sdk-go decodes it (tests/go_decode.py). spotinst-sdk2
calls requests.get/post/put/delete, which all go through requests.Session.send."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests

from tests.go_decode import GoDecoder

from .http import go_kind


@dataclass(frozen=True)
class Exchange:
    method: str
    path: str
    sent: dict[str, Any] | None
    status: int
    answer: dict[str, Any]

    @property
    def item(self) -> dict[str, Any]:
        (item,) = self.answer["response"]["items"]
        return dict(item)


def record(monkeypatch: pytest.MonkeyPatch, go_decoder: GoDecoder, base_url: str) -> list[Exchange]:
    """Every request sent through `requests` to base_url from now on, with its answer,
    Go-decoded (other hosts, such as the Azure sandbox the Azure SDK calls, pass untouched)."""
    exchanges: list[Exchange] = []
    original = requests.sessions.Session.send

    def send(self: requests.Session, request: Any, **kwargs: Any) -> requests.Response:
        response = original(self, request, **kwargs)
        if not str(request.url).startswith(base_url):
            return response
        path = urlsplit(request.url).path
        go_decoder.decode(response.content, kind=go_kind(path), status=response.status_code)
        sent = json.loads(request.body) if request.body else None
        exchanges.append(
            Exchange(request.method, path, sent, response.status_code, response.json())
        )
        return response

    monkeypatch.setattr(requests.sessions.Session, "send", send)
    return exchanges
