"""ARM paging and list filtering shared by the route handlers.

A list answers ``{"value": [...], "nextLink": ...}``; the link is absolute, to the sandbox
itself, and keeps every query parameter (api-version included): the SDKs request it verbatim.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import quote, urlencode

from azure_sandbox import arm_json
from azure_sandbox.arm_lookup import ArmContext
from azure_sandbox.messages import Request, Response


def json_headers() -> dict[str, str]:
    return {"Content-Type": "application/json; charset=utf-8"}  # fresh: dispatch adds headers


# --- paging -------------------------------------------------------------------


def page_offset(request: Request) -> int:
    token = request.query.get("$skiptoken", "")
    return int(token) if token.isdigit() else 0


def page_number(request: Request, page_size: int) -> int:
    """1-based page index of a list request, derived from its ``$skiptoken``."""
    return page_offset(request) // max(1, page_size) + 1


def paged(ctx: ArmContext, items: list[Any], render: Callable[[Any], dict[str, Any]]) -> Response:
    return paged_encoded(ctx, items, lambda item: arm_json.encode(render(item)))


def paged_encoded(ctx: ArmContext, items: list[Any], encode: Callable[[Any], bytes]) -> Response:
    """One page of ``items`` as ``{"value": [...], "nextLink": ...}`` from pre-encoded items."""
    size = max(1, ctx.world.settings.page_size)
    offset = page_offset(ctx.request)
    body = b'{"value":[' + b",".join(encode(item) for item in items[offset : offset + size]) + b"]"
    if offset + size < len(items):
        # Absolute link to ourselves that keeps api-version: the SDK requests it verbatim.
        query = {k: v for k, v in ctx.request.query.items() if k != "$skiptoken"}
        query["$skiptoken"] = str(offset + size)
        path = quote(ctx.request.path, safe="/()-._~")
        next_link = f"{ctx.request.base_url}{path}?{urlencode(query, safe='$')}"
        body += b',"nextLink":' + arm_json.encode(next_link)
    return Response(200, body + b"}", json_headers())


def visible(
    ctx: ArmContext, action: str, scope: str, items: Iterable[tuple[str, Any]]
) -> list[Any]:
    """Items of a collection the caller may read: all, a filtered subset, or 403."""
    if ctx.access.can(scope):
        return list(items)
    if not ctx.access.has_any_below(scope):
        raise ctx.access.denied(action, scope)
    return [(item_id, item) for item_id, item in items if ctx.access.can(item_id)]
