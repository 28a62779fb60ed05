"""Spot's envelope for what no operation answers: unknown paths (404) and methods (405)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponseNotAllowed, JsonResponse
from django.http.response import HttpResponseBase
from django.urls import register_converter
from ninja import Router

from console.api_envelope import METHOD_NOT_ALLOWED, NOT_FOUND, ErrorItem, error

ALL_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE"]
# Top-level path segments that belong to the API: anything unknown below them is a JSON 404.
API_PREFIXES = ("azure", "setup", "api")


def json_not_allowed(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """`view`, with ninja's plain-text 405 (any method, even made-up ones) as Spot's envelope."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        if not isinstance(response, HttpResponseNotAllowed):
            return response
        allow = response.get("Allow", "")
        message = f"{request.method} is not allowed on {request.path}; use {allow}."
        answer = error(request, 405, [ErrorItem(METHOD_NOT_ALLOWED, message)])
        answer["Allow"] = allow
        return answer

    return wrapped


def docs_when_enabled(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """/api/docs and /api/openapi.json, answered only while settings.API_DOCS_ENABLED is on;
    otherwise they are the same JSON 404 as any unknown API path (read per request)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not settings.API_DOCS_ENABLED:
            return _unknown_path(request, request.path)
        return view(request, *args, **kwargs)

    return wrapped


class AnyRestOfPath:
    """Django's `path` converter, but across line breaks too: `.+` stops at a newline, so a path
    holding %0A slipped past the API's 404 to the console's HTML page."""

    regex = r"[\s\S]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(AnyRestOfPath, "anyrest")
fallback_router = Router(auth=None)


def _unknown_path(request: HttpRequest, rest: str) -> JsonResponse:
    return error(
        request, 404, [ErrorItem(NOT_FOUND, f"There is no API endpoint at {request.path}.")]
    )


for _prefix in API_PREFIXES:
    fallback_router.add_api_operation(
        f"/{_prefix}/{{anyrest:rest}}",
        ALL_METHODS,
        _unknown_path,
        include_in_schema=False,
        url_name=f"unknown-{_prefix}",
    )
