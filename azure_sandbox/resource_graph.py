"""Azure Resource Graph's query endpoint: ``POST /providers/Microsoft.ResourceGraph/resources``.

Answers the query shapes of ``graph_query`` over the world with Resource Graph's
behaviour (see README "Azure Resource Graph"):

- Rows are the ARM resources as Resource Graph stores them: ``type``, ``location`` and
  ``resourceGroup`` lower-case, ``properties`` as an ARM GET returns them.
- Paging: ``options.$top`` rows (default and maximum 1000) per answer, ``$skipToken``
  to continue, ``totalRecords`` (all matching rows), ``count`` (this answer's rows),
  ``resultTruncated``; ``$skip`` on the first page. Tokens are keyset tokens (the last id
  sent), so rows written between two pages are neither repeated nor skipped.
- Scope: ``subscriptions`` (at most 1000; omitted: every subscription of the token's tenant
  the principal reads). Rows are filtered to what the principal may read, per resource;
  subscriptions it cannot read are left out silently, and a list of only those is 403
  ``AccessDenied``; an empty list is 400 ``NoValidSubscriptionsInQueryRequest``.
- Lag: an ARM write through the sandbox becomes visible here
  ``settings.resource_graph_lag_seconds`` after it (``GraphJournal``).
- Throttling (per principal, ``GraphQuota``) happens in ``dispatch``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import uuid
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from azure_sandbox import arm_json
from azure_sandbox.arm_lookup import ArmContext
from azure_sandbox.arm_paging import json_headers
from azure_sandbox.graph_query import DYNAMIC_COLUMNS, GraphQuery, QueryRefused, parse_query
from azure_sandbox.graph_rows import (
    Entry,
    Row,
    count_rows,
    entries_of,
    stored_row,
)
from azure_sandbox.messages import ArmError, Request, Response
from azure_sandbox.world import (
    Subscription,
)

MAX_TOP = 1000
MAX_SUBSCRIPTIONS = 1000


# --- errors in Resource Graph's shape ---------------------------------------------------


def graph_error(
    status: int, code: str, details: list[dict[str, Any]], headers: dict[str, str] | None = None
) -> ArmError:
    """Resource Graph's errors: a support blurb as message, the reasons in ``details``."""
    error = ArmError(status, code, _support_message(), headers)
    error.details = details
    return error


def _support_message() -> str:
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f") + "0Z"
    return (
        "Please provide below info when asking for support: "
        f"timestamp = {stamp}, correlationId = {uuid.uuid4()}."
    )


def _bad_request(code: str, message: str, **extra: Any) -> ArmError:
    return graph_error(400, "BadRequest", [{"code": code, "message": message, **extra}])


def _invalid_query(refused: QueryRefused) -> ArmError:
    return graph_error(
        400,
        "BadRequest",
        [
            {
                "code": "InvalidQuery",
                "message": "Query is invalid. Please refer to the documentation for the Azure "
                "Resource Graph service and fix the error before retrying.",
            },
            {
                "code": refused.code,
                "message": refused.message,
                "line": refused.line,
                "characterPositionInLine": refused.position,
                "token": refused.token,
            },
        ],
    )


def rate_limited(retry_after: int, headers: dict[str, str]) -> Response:
    return graph_error(
        429,
        "RateLimiting",
        [
            {
                "code": "RateLimiting",
                "message": "Client application has been throttled and should not attempt to "
                "repeat the request until an amount of time has elapsed. Please see "
                "https://aka.ms/resourcegraph-throttling for help.",
            }
        ],
        {"Retry-After": str(retry_after), **headers},
    ).to_response()


# --- the query ----------------------------------------------------------------------------


@dataclass
class _Scope:
    prefix: str  # "/subscriptions/{id}/": every id in the subscription starts with it
    sub: Subscription
    count: int
    entries: list[Entry] | None  # built when RBAC or lag changes what the quick count gives


def _encode_token(last_id: str, page: int, fingerprint: str) -> str:
    payload = json.dumps({"$id": last_id, "page": page, "query": fingerprint}, indent=2)
    return base64.b64encode(payload.encode()).decode()


def _decode_token(token: str) -> dict[str, Any]:
    try:
        decoded = json.loads(base64.b64decode(token, validate=True))
    except (ValueError, binascii.Error):
        decoded = None
    if not isinstance(decoded, dict) or not isinstance(decoded.get("$id"), str):
        raise _bad_request("InvalidSkipToken", "The skip token is not valid.")
    return decoded


def page_number(request: Request) -> int:
    """1-based page of a query, from the skip token in its body (for ``fail_page`` faults)."""
    try:
        token = ((request.json() or {}).get("options") or {}).get("$skipToken")
        return int(_decode_token(token).get("page", 1)) + 1 if token else 1
    except (ValueError, AttributeError, TypeError, ArmError):
        return 1


def _request_body(ctx: ArmContext) -> dict[str, Any]:
    try:
        body = ctx.request.json()
    except ValueError as exc:
        raise _bad_request(
            "InvalidRequestContent", f"The request content was invalid: {exc}"
        ) from None
    if not isinstance(body, dict) or not isinstance(body.get("query"), str):
        raise _bad_request("InvalidRequestContent", "The request must carry a 'query' string.")
    return body


def _options(body: dict[str, Any]) -> tuple[int, int, str | None, str]:
    options = body.get("options")
    options = {} if options is None else options
    if not isinstance(options, dict):
        raise _bad_request("InvalidRequestContent", "'options' must be an object.")
    top, skip = options.get("$top", MAX_TOP), options.get("$skip", 0)
    if not isinstance(top, int) or not 1 <= top <= MAX_TOP:
        raise _bad_request("InvalidParameter", f"$top must be between 1 and {MAX_TOP}.")
    if not isinstance(skip, int) or skip < 0:
        raise _bad_request("InvalidParameter", "$skip must be zero or more.")
    result_format = str(options.get("resultFormat") or "objectArray")
    if result_format.lower() not in ("objectarray", "table"):
        raise _bad_request("InvalidParameter", "resultFormat must be 'table' or 'objectArray'.")
    return top, skip, options.get("$skipToken"), result_format.lower()


def _scopes(
    ctx: ArmContext, body: dict[str, Any], query: GraphQuery, hidden: dict[str, Row | None]
) -> list[_Scope]:
    if body.get("managementGroups"):
        raise _bad_request(
            "UnsupportedScope",
            "The Azure sandbox has no management groups; query by subscriptions.",
        )
    requested = body.get("subscriptions")
    world, tenant = ctx.world, ctx.token_tenant_id.lower()
    if requested is None:
        candidates = list(world.subscriptions.values())  # the tenant's: filtered below
    else:
        if not isinstance(requested, list) or not requested:
            raise _bad_request(
                "NoValidSubscriptionsInQueryRequest",
                "There must be at least one subscription that is eligible to contain "
                f"resources. Given: '{','.join(map(str, requested or []))}'.",
            )
        if len(requested) > MAX_SUBSCRIPTIONS:
            raise _bad_request(
                "TooManySubscriptions",
                f"The query names {len(requested)} subscriptions; at most "
                f"{MAX_SUBSCRIPTIONS} are allowed per query. Batch the subscriptions.",
            )
        found = (world.subscriptions.get(str(s).lower()) for s in requested)
        candidates = list({s.id: s for s in found if s is not None}.values())
    readable = [
        s
        for s in candidates
        if s.tenant_id.lower() == tenant and ctx.access.has_any_below(f"/subscriptions/{s.id}")
    ]
    if not readable:
        if requested is None:
            raise _bad_request(
                "NoValidSubscriptionsInQueryRequest",
                "There must be at least one subscription that is eligible to contain "
                "resources. Given: ''.",
            )
        raise graph_error(
            403,
            "AccessDenied",
            [
                {
                    "code": "AccessDenied",
                    "message": "Access is denied to the requested resource. The user might "
                    "not have enough permission.",
                }
            ],
        )
    changed_subs = {resource_id.split("/")[2] for resource_id in hidden}
    scopes = []
    for sub in readable:
        prefix = f"/subscriptions/{sub.id}/"
        whole = ctx.access.can(prefix) and sub.id.lower() not in changed_subs
        if whole:
            scopes.append(_Scope(prefix, sub, count_rows(sub, query.types), None))
            continue
        entries = _visible_entries(ctx, sub, query.types, hidden)
        scopes.append(_Scope(prefix, sub, len(entries), entries))
    scopes.sort(key=lambda scope: scope.prefix, reverse=query.descending)
    return scopes


def _visible_entries(
    ctx: ArmContext, sub: Subscription, types: frozenset[str], hidden: dict[str, Row | None]
) -> list[Entry]:
    """``sub``'s entries as Resource Graph shows them to this principal, sorted by id."""
    entries: list[Entry] = []
    seen: set[str] = set()
    for entry in entries_of(sub, types):
        key = entry[0].lower()
        seen.add(key)
        if key in hidden:
            previous = hidden[key]
            if previous is None:
                continue  # written too recently to show
            entry = (previous["id"], stored_row, (previous,))
        if ctx.access.can(entry[0]):
            entries.append(entry)
    prefix = f"/subscriptions/{sub.id.lower()}/"
    for key, previous in hidden.items():
        if key in seen or previous is None or not key.startswith(prefix):
            continue  # deleted too recently for Resource Graph to know
        if previous["type"] in types and ctx.access.can(previous["id"]):
            entries.append((previous["id"], stored_row, (previous,)))
    entries.sort(key=lambda entry: entry[0])
    return entries


def _page(
    scopes: list[_Scope], query: GraphQuery, after: str | None, skip: int, want: int
) -> list[Entry]:
    """Up to ``want`` entries in query order, after id ``after`` or after ``skip`` rows."""
    page: list[Entry] = []
    for scope in scopes:
        if len(page) >= want:
            break
        if after is not None and not after.startswith(scope.prefix):
            before = scope.prefix > after if query.descending else scope.prefix < after
            if before:
                continue  # the whole subscription was sent on earlier pages
        elif after is None and skip >= scope.count:
            skip -= scope.count
            continue
        entries = scope.entries
        if entries is None:
            entries = sorted(entries_of(scope.sub, query.types), key=lambda entry: entry[0])
        ids = [entry[0] for entry in entries]
        key = after if after is not None and after.startswith(scope.prefix) else None
        if query.descending:
            ordered = entries[: len(ids) if key is None else bisect_left(ids, key)][::-1]
        else:
            ordered = entries[0 if key is None else bisect_right(ids, key) :]
        if after is None and skip:
            ordered, skip = ordered[skip:], 0
        page.extend(ordered[: want - len(page)])
    return page


def _project(row: Row, columns: tuple[str, ...]) -> Row:
    return {column: row[column] for column in columns}


def query_resources(ctx: ArmContext, params: dict[str, str]) -> Response:
    body = _request_body(ctx)
    try:
        query = parse_query(body["query"])
    except QueryRefused as refused:
        raise _invalid_query(refused) from None
    top, skip, token, result_format = _options(body)
    scope_text = ",".join(sorted(str(s).lower() for s in body.get("subscriptions") or []))
    fingerprint = hashlib.sha256(f"{query.text}\n{scope_text}".encode()).hexdigest()[:16]
    after, page_index = None, 0
    if token and query.pageable:
        decoded = _decode_token(token)
        if decoded.get("query") != fingerprint:
            raise _bad_request(
                "InvalidSkipToken", "The skip token belongs to another query or scope."
            )
        after, page_index, skip = decoded["$id"], int(decoded.get("page", 0)), 0
    hidden = ctx.journal.hidden_changes(ctx.world.settings.resource_graph_lag_seconds)
    scopes = _scopes(ctx, body, query, hidden)
    total = sum(scope.count for scope in scopes)
    entries = _page(scopes, query, after, skip, top + 1)
    more = len(entries) > top
    entries = entries[:top]
    rows = [_project(render(*arguments), query.columns) for _, render, arguments in entries]
    answer: dict[str, Any] = {
        "totalRecords": total,
        "count": len(rows),
        "resultTruncated": "true" if more and not query.pageable else "false",
    }
    if more and query.pageable:
        answer["$skipToken"] = _encode_token(entries[-1][0], page_index + 1, fingerprint)
    if result_format == "table":
        answer["data"] = {
            "columns": [
                {"name": c, "type": "object" if c in DYNAMIC_COLUMNS else "string"}
                for c in query.columns
            ],
            "rows": [[row[c] for c in query.columns] for row in rows],
        }
    else:
        answer["data"] = rows
    answer["facets"] = []
    return Response(200, arm_json.encode(answer), json_headers())
