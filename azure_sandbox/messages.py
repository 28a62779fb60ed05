"""Request/response values passed between the HTTP layer and the route handlers."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Request:
    method: str
    path: str  # percent-decoded, original case, no query
    query: dict[str, str]  # keys lower-cased, first value wins
    headers: dict[str, str]  # keys lower-cased
    body: bytes
    base_url: str  # https://host:port the client used, for absolute nextLinks

    @property
    def path_lower(self) -> str:
        return self.path.lower()

    def json(self) -> Any:
        return json.loads(self.body or b"null")


@dataclass
class Response:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, status: int, payload: Any, headers: dict[str, str] | None = None) -> Response:
        body = json.dumps(payload, separators=(",", ":")).encode()
        merged = {"Content-Type": "application/json; charset=utf-8"}
        merged.update(headers or {})
        return cls(status, body, merged)


class ArmError(Exception):
    """Raised by handlers; rendered as ARM's ``{"error": {"code", "message"}}`` body."""

    def __init__(
        self, status: int, code: str, message: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}
        self.details: list[dict[str, Any]] = []  # Resource Graph explains its errors here

    def to_response(self) -> Response:
        error: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.details:
            error["details"] = self.details
        return Response.json(self.status, {"error": error}, self.headers)


class AbortConnection(Exception):
    """Raised by fault handling: drop the connection instead of answering."""

    def __init__(self, reset: bool) -> None:
        super().__init__("reset" if reset else "drop")
        self.reset = reset
