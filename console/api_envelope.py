"""Spot's response envelope, for every answer of the API: successes, errors, 404s and 405s.

Spot's clients treat only HTTP 200 as success and parse a JSON body from every response
(deletes included), reading `response.errors` on failure (spot-api.md §3).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from typing import Any

from django.http import HttpRequest, JsonResponse

UNAUTHORIZED = "UNAUTHORIZED"
FORBIDDEN = "FORBIDDEN"
NOT_FOUND = "NOT_FOUND"
METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED"
CONFLICT = "CONFLICT"
PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE"
INTERNAL_ERROR = "INTERNAL_ERROR"
# Answered by more than one app: an accountId that is not the caller's (or has no connected
# subscription), and a gallery image (or version) the inventory does not hold.
UNKNOWN_ACCOUNT = "UNKNOWN_ACCOUNT"
GALLERY_IMAGE_NOT_FOUND = "GALLERY_IMAGE_NOT_FOUND"


# The objects request bodies wrap (`{"group": {...}}`); error fields are relative to them.
OBJECT_WRAPPERS = ("group", "statefulNode", "account")


def object_field(path: str) -> str:
    """Spot's error-field convention: the dotted camelCase path inside the object, list items
    by index ("compute.launchSpecification.network.networkInterfaces.0.subnetName"), whether
    the request models, the JSON parser or the console's own checks found the problem."""
    wrapper, dot, inside = path.partition(".")
    return inside if dot and wrapper in OBJECT_WRAPPERS else path


@dataclass(frozen=True)
class ErrorItem:
    code: str
    message: str
    field: str = ""

    def as_json(self) -> dict[str, str]:
        item = {"code": self.code, "message": self.message}
        if self.field:
            item["field"] = object_field(self.field)
        return item


class ApiError(Exception):
    """Raised by a handler to answer with Spot's error envelope."""

    def __init__(self, status: int, errors: list[ErrorItem] | ErrorItem) -> None:
        self.status = status
        self.errors = errors if isinstance(errors, list) else [errors]
        super().__init__("; ".join(f"{e.code}: {e.message}" for e in self.errors))


def spot_timestamp(moment: datetime) -> str:
    """Every time on the wire: RFC 3339 in UTC with milliseconds, "2018-10-10T10:50:29.000Z".

    spotinst-sdk-go decodes times into Go's time.Time, which refuses "+0000" (no colon)."""
    moment = moment.astimezone(UTC)
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{moment.microsecond // 1000:03d}Z"


def request_info(request: HttpRequest) -> dict[str, str]:
    now = datetime.now(UTC)
    return {
        "id": getattr(request, "request_id", "") or str(uuid.uuid4()),
        "url": request.get_full_path(),
        "method": request.method or "",
        "timestamp": spot_timestamp(now),
    }


def _status(code: int) -> dict[str, Any]:
    return {"code": code, "message": HTTPStatus(code).phrase}


def ok(
    request: HttpRequest, *, kind: str, items: list[dict[str, Any]] | None = None
) -> JsonResponse:
    """HTTP 200 with `items` (omitted, as in Spot's delete answers, when None)."""
    response: dict[str, Any] = {"status": _status(200), "kind": kind}
    if items is not None:
        response["items"] = items
        response["count"] = len(items)
    return JsonResponse({"request": request_info(request), "response": response})


def error(request: HttpRequest, status: int, errors: list[ErrorItem]) -> JsonResponse:
    body = {
        "request": request_info(request),
        "response": {"status": _status(status), "errors": [e.as_json() for e in errors]},
    }
    return JsonResponse(body, status=status)
