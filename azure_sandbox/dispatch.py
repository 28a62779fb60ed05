"""Per-request pipeline: route, identify caller, inject faults, authenticate, throttle, handle."""

from __future__ import annotations

import json
import math
import re
import threading
import time
from typing import Protocol

from azure_sandbox import arm, arm_paging, control, identity, resource_graph
from azure_sandbox.arm_lookup import ArmContext
from azure_sandbox.faults import FaultDecision, FaultRule, FaultSet
from azure_sandbox.graph_journal import GraphJournal
from azure_sandbox.identity import TokenClaims, TokenInvalid, TokenIssuer
from azure_sandbox.messages import AbortConnection, ArmError, Request, Response
from azure_sandbox.rbac import Access
from azure_sandbox.request_log import LogEntry, RequestLog
from azure_sandbox.throttle import GraphQuota, Throttler
from azure_sandbox.world import Principal, World

_OPENID = re.compile(r"^/(?P<tenant>[^/]+)/v2\.0/\.well-known/openid-configuration$")
_TOKEN = re.compile(r"^/(?P<tenant>[^/]+)/oauth2/v2\.0/token$")
_BUCKET_KIND = {"GET": "reads", "HEAD": "reads", "DELETE": "deletes"}  # anything else: writes
# The ARM error code an injected fault answers with when its rule names none.
_ERROR_CODES = {
    400: "BadRequest",
    401: "InvalidAuthenticationToken",
    403: "AuthorizationFailed",
    404: "NotFound",
    409: "Conflict",
    500: "InternalServerError",
    502: "BadGateway",
    503: "ServiceUnavailable",
    504: "GatewayTimeout",
}


class SandboxState(Protocol):
    world: World
    faults: FaultSet
    request_log: RequestLog
    throttler: Throttler
    graph_quota: GraphQuota
    graph_journal: GraphJournal
    token_issuer: TokenIssuer
    write_lock: threading.Lock
    stopping: threading.Event

    def reset(self, world: World | None = None) -> None: ...


class Dispatcher:
    def __init__(self, state: SandboxState) -> None:
        self.state = state

    def handle(self, request: Request) -> Response:
        """Answer one request, or raise AbortConnection; every ARM/identity call is logged."""
        if request.path_lower.startswith(control.PREFIX):
            return control.handle(self.state, request)
        started = time.perf_counter()
        trace = LogEntry(
            time.time(), request.method, request.path, "unknown", 0,
            request.query.get("api-version"), None, 0.0, [],
        )  # fmt: skip
        try:
            response = self._dispatch(request, trace)
            trace.status = response.status
            return response
        finally:
            trace.duration_ms = (time.perf_counter() - started) * 1000
            self.state.request_log.record(trace)

    # --- pipeline -----------------------------------------------------------------

    def _dispatch(self, request: Request, trace: LogEntry) -> Response:
        world = self.state.world  # one consistent world per request, even if swapped meanwhile
        if request.method == "GET" and (found := _OPENID.match(request.path)):
            trace.route = "identity.openid_configuration"
            return self._faults(request, trace, 1, 0, entra=True) or identity.openid_configuration(
                request, world, found["tenant"]
            )
        if request.method == "POST" and (found := _TOKEN.match(request.path)):
            trace.route = "identity.token"
            trace.client_id = identity.token_client_id(request)
            return self._faults(request, trace, 1, 0, entra=True) or identity.token_endpoint(
                request, world, self.state.token_issuer, found["tenant"]
            )
        try:
            matched = arm.match_route(request.method, request.path)
        except ArmError as error:
            return error.to_response()
        if matched is None:
            return ArmError(
                404, "NotFound", f"The path '{request.path}' is not served by the Azure sandbox."
            ).to_response()
        route, params = matched
        trace.route = route.name

        claims: TokenClaims | None = None
        auth_error: TokenInvalid | None = None
        try:
            claims = self.state.token_issuer.verify(request.headers.get("authorization"))
            trace.client_id = claims.client_id
        except TokenInvalid as invalid:
            auth_error = invalid

        graph = route.kind == "resource_graph"
        if graph:
            page = resource_graph.page_number(request)
        else:
            page = arm_paging.page_number(request, world.settings.page_size)
        faults = self._decide(request, trace, page, world.settings.latency_ms)
        if faults.terminal is not None:
            if graph and faults.terminal.kind == "throttle":
                return resource_graph.rate_limited(faults.terminal.retry_after, {})
            return self._fire(faults.terminal, entra=False)
        principal = world.principal(claims.client_id) if claims else None
        if claims is None or principal is None:
            reason = auth_error or TokenInvalid(
                "InvalidAuthenticationToken", "The access token is invalid."
            )
            return self._unauthorized(request, reason)

        if graph:
            response = self._resource_graph(route, request, world, principal, claims, params)
        else:
            response = self._arm(route, request, world, principal, claims, params)
        if faults.omit and response.status == 200:
            response = _without_items(response, faults.omit)
        return response

    def _resource_graph(
        self,
        route: arm.Route,
        request: Request,
        world: World,
        principal: Principal,
        claims: TokenClaims,
        params: dict[str, str],
    ) -> Response:
        """Resource Graph's per-user quota (not ARM's buckets), then the query."""
        throttle = world.settings.throttle
        quota_headers: dict[str, str] = {}
        if throttle.enabled:
            quota = self.state.graph_quota.take(principal.client_id, throttle.resource_graph)
            quota_headers = {
                "x-ms-user-quota-remaining": str(quota.remaining),
                "x-ms-user-quota-resets-after": quota.resets_after,
            }
            if not quota.allowed:
                retry_after = max(1, math.ceil(quota.resets_after_seconds))
                return resource_graph.rate_limited(retry_after, quota_headers)
        response = self._handle(route, request, world, principal, claims, params)
        response.headers.update(quota_headers)
        return response

    def _arm(
        self,
        route: arm.Route,
        request: Request,
        world: World,
        principal: Principal,
        claims: TokenClaims,
        params: dict[str, str],
    ) -> Response:
        """ARM's token buckets per (subscription or tenant, principal, operation), then the call."""
        throttle = world.settings.throttle
        kind = _BUCKET_KIND.get(request.method, "writes")
        if "sub" in params:
            bucket_scope, header_scope = f"/subscriptions/{params['sub']}", "subscription"
        else:
            bucket_scope, header_scope = f"/tenants/{claims.tenant_id}", "tenant"
        remaining_header = f"x-ms-ratelimit-remaining-{header_scope}-{kind}"
        remaining = None
        if throttle.enabled:
            decision = self.state.throttler.take(
                bucket_scope, principal.client_id, kind, getattr(throttle, kind)
            )
            if not decision.allowed:
                return self._throttled(
                    params.get("sub"), claims, kind, decision.retry_after_seconds, remaining_header
                )
            remaining = decision.remaining

        response = self._handle(route, request, world, principal, claims, params)
        if remaining is not None:
            response.headers[remaining_header] = str(remaining)
        return response

    def _handle(
        self,
        route: arm.Route,
        request: Request,
        world: World,
        principal: Principal,
        claims: TokenClaims,
        params: dict[str, str],
    ) -> Response:
        context = ArmContext(
            request,
            world,
            Access(world, principal),
            claims.tenant_id,
            self.state.write_lock,
            self.state.graph_journal,
        )
        try:
            return route.handler(context, params)
        except ArmError as error:
            return error.to_response()

    def _decide(
        self, request: Request, trace: LogEntry, page: int, base_latency_ms: float
    ) -> FaultDecision:
        decision = self.state.faults.decide(
            request.method, request.path_lower, trace.client_id, page
        )
        trace.faults = decision.fired_ids
        delay_ms = base_latency_ms + decision.latency_ms
        if delay_ms > 0:
            self.state.stopping.wait(delay_ms / 1000)  # sleeps this thread only; wakes on stop
        return decision

    def _faults(
        self, request: Request, trace: LogEntry, page: int, base_latency_ms: float, *, entra: bool
    ) -> Response | None:
        rule = self._decide(request, trace, page, base_latency_ms).terminal
        return None if rule is None else self._fire(rule, entra=entra)

    def _fire(self, rule: FaultRule, *, entra: bool) -> Response:
        if rule.kind == "reset":
            raise AbortConnection(reset=True)
        if rule.kind == "hang":
            self.state.stopping.wait(rule.hang_seconds)
            raise AbortConnection(reset=False)
        if entra:
            return _entra_fault(rule)
        if rule.kind == "throttle":
            return ArmError(
                429,
                rule.code or "SubscriptionRequestsThrottled",
                f"Number of requests exceeded the limit (injected fault {rule.id}). Please try "
                f"again after '{rule.retry_after}' seconds. Refer to https://aka.ms/arm-throttling",
                {"Retry-After": str(rule.retry_after)},
            ).to_response()
        code = rule.code or _ERROR_CODES.get(rule.status, "InternalServerError")
        message = rule.message or f"An injected {rule.kind} fault ({rule.id}) failed this request."
        headers = {}
        if rule.status == 401:
            # ARM's 401s carry a Bearer challenge; the SDK's auth policy reacts to it.
            headers["WWW-Authenticate"] = (
                'Bearer authorization_uri="https://login.microsoftonline.com/common", '
                f'error="invalid_token", error_description="{message}"'
            )
        return ArmError(rule.status, code, message, headers).to_response()

    @staticmethod
    def _unauthorized(request: Request, error: TokenInvalid) -> Response:
        challenge = (
            f'Bearer authorization_uri="{request.base_url}/common", error="invalid_token", '
            f'error_description="{error.message}"'
        )
        return ArmError(
            401, error.code, error.message, {"WWW-Authenticate": challenge}
        ).to_response()

    @staticmethod
    def _throttled(
        subscription: str | None, claims: TokenClaims, kind: str, retry_after: int, header: str
    ) -> Response:
        operation = {"reads": "read", "writes": "write", "deletes": "delete"}[kind]
        if subscription:
            code, scope = "SubscriptionRequestsThrottled", f"subscription '{subscription}'"
        else:
            code, scope = "TenantRequestsThrottled", f"tenant '{claims.tenant_id}'"
        return ArmError(
            429,
            code,
            f"Number of '{operation}' requests for {scope} actor '{claims.object_id}' exceeded. "
            f"Please try again after '{retry_after}' seconds after additional tokens are "
            "available. Refer to https://aka.ms/arm-throttling",
            {"Retry-After": str(retry_after), header: "0"},
        ).to_response()


def _entra_fault(rule: FaultRule) -> Response:
    """An injected fault on the token or discovery endpoint, in Entra ID's error shape."""
    status = 429 if rule.kind == "throttle" else rule.status
    unavailable = status == 429 or status >= 500
    error = rule.code or ("temporarily_unavailable" if unavailable else "invalid_request")
    description = rule.message or f"An injected {rule.kind} fault ({rule.id}) failed this request."
    headers = {"Retry-After": str(rule.retry_after)} if rule.kind == "throttle" else None
    if rule.aadsts:
        return identity.entra_error(status, error, rule.aadsts, description, headers)
    return Response.json(status, {"error": error, "error_description": description}, headers)


def _without_items(response: Response, rules: list[FaultRule]) -> Response:
    """A list answer (ARM's ``value``, Resource Graph's ``data``) minus the items an
    ``omit`` rule hides."""
    try:
        body = json.loads(response.body)
    except ValueError:
        return response
    key = next((k for k in ("value", "data") if isinstance(body, dict) and k in body), None)
    if key is None or not isinstance(body[key], list):
        return response
    body[key] = [
        item
        for item in body[key]
        if not (
            isinstance(item, dict) and any(rule.omits(str(item.get("id", ""))) for rule in rules)
        )
    ]
    if key == "data":
        body["count"] = len(body["data"])
    return Response.json(response.status, body, response.headers)
