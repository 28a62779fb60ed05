"""Local control API under ``/_sandbox/`` (no auth; the server refuses non-loopback callers).

- ``GET /_sandbox/health``
- ``GET /_sandbox/faults`` list rules; ``POST`` a rule (or a list of rules) to add;
  ``DELETE /_sandbox/faults`` clears all, ``DELETE /_sandbox/faults/{id}`` removes one
- ``GET /_sandbox/requests?limit=N`` recent log entries; ``DELETE`` clears log and counters
- ``GET /_sandbox/stats`` counters per route and status, throttled count, faults fired
- ``GET /_sandbox/world`` the world as JSON; ``PUT`` starts over with the given world
- ``POST /_sandbox/reset`` starts over with the world the sandbox was started with
  (both clear faults, throttle buckets and the request log)
"""

from __future__ import annotations

from typing import Any, Protocol

from azure_sandbox.faults import FaultRule, FaultSet
from azure_sandbox.messages import Request, Response
from azure_sandbox.request_log import RequestLog
from azure_sandbox.world import World

PREFIX = "/_sandbox"


def _error(status: int, message: str) -> Response:
    return Response.json(status, {"error": {"code": "SandboxControlError", "message": message}})


class ControlledState(Protocol):
    """What the control endpoints read and change of the sandbox's state (dispatch's
    SandboxState has it all)."""

    world: World
    faults: FaultSet
    request_log: RequestLog

    def reset(self, world: World | None = None) -> None: ...


def handle(state: ControlledState, request: Request) -> Response:
    path = request.path_lower[len(PREFIX) :].rstrip("/")
    method = request.method
    try:
        if path == "/health" and method == "GET":
            return Response.json(200, {"status": "ok"})
        if path == "/faults":
            return _faults(state, request)
        if path.startswith("/faults/") and method == "DELETE":
            removed = state.faults.remove(request.path[len(PREFIX) + len("/faults/") :].strip("/"))
            return Response(204) if removed else _error(404, "no such fault rule")
        if path == "/requests" and method == "GET":
            limit = int(request.query.get("limit", "1000"))
            return Response.json(200, state.request_log.to_dicts(limit))
        if path == "/requests" and method == "DELETE":
            state.request_log.clear()
            return Response(204)
        if path == "/stats" and method == "GET":
            return Response.json(200, state.request_log.stats())
        if path == "/world" and method == "GET":
            return Response.json(200, state.world.to_dict())
        if path == "/world" and method == "PUT":
            state.reset(World.from_dict(request.json()))
            return Response.json(200, state.world.counts())
        if path == "/reset" and method == "POST":
            state.reset()
            return Response.json(200, state.world.counts())
    except (ValueError, TypeError, KeyError) as exc:
        return _error(400, str(exc))
    return _error(404, f"unknown control endpoint {method} {request.path}")


def _faults(state: ControlledState, request: Request) -> Response:
    if request.method == "GET":
        return Response.json(200, [rule.to_dict() for rule in state.faults.list()])
    if request.method == "DELETE":
        state.faults.clear()
        return Response(204)
    if request.method == "POST":
        payload: Any = request.json()
        items = payload if isinstance(payload, list) else [payload]
        added = [state.faults.add(FaultRule.from_dict(item)) for item in items]
        return Response.json(201, [rule.to_dict() for rule in added])
    return _error(405, "use GET, POST or DELETE")
