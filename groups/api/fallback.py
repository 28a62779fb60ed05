"""Spot's envelope for what no operation answers: unknown paths (404) and methods (405)."""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, JsonResponse
from ninja import Router

from .envelope import METHOD_NOT_ALLOWED, NOT_FOUND, ErrorItem, error

ALL_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
# Top-level path segments that belong to the API: anything unknown below them is a JSON 404.
API_PREFIXES = ("azure", "setup", "api")


_PATH_PARAMETER = re.compile(r"{(?:\w+:)?(\w+)}")


def _not_allowed_view(path: str, allow: str) -> Callable[..., JsonResponse]:
    """A view answering 405, declaring the path's parameters as ninja expects."""

    def not_allowed(request: HttpRequest, **_: Any) -> JsonResponse:
        message = f"{request.method} is not allowed on {request.path}; use {allow}."
        response = error(request, 405, [ErrorItem(METHOD_NOT_ALLOWED, message)])
        response["Allow"] = allow
        return response

    parameters = [inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD)]
    parameters += [
        inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, annotation=str)
        for name in _PATH_PARAMETER.findall(path)
    ]
    not_allowed.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    return not_allowed


def answer_other_methods(router: Router) -> None:
    """Give every path of `router` an operation for the methods it lacks: a 405 envelope."""
    for path, path_view in list(router.path_operations.items()):
        used = {method for operation in path_view.operations for method in operation.methods}
        missing = [method for method in ALL_METHODS if method not in used]
        if not missing:
            continue
        router.add_api_operation(
            path,
            missing,
            _not_allowed_view(path, ", ".join(sorted(used))),
            auth=None,
            include_in_schema=False,
            url_name=f"not-allowed-{path}",
        )


fallback_router = Router(auth=None)


def _unknown_path(request: HttpRequest, rest: str) -> JsonResponse:
    return error(
        request, 404, [ErrorItem(NOT_FOUND, f"There is no API endpoint at {request.path}.")]
    )


for _prefix in API_PREFIXES:
    fallback_router.add_api_operation(
        f"/{_prefix}/{{path:rest}}",
        ALL_METHODS,
        _unknown_path,
        include_in_schema=False,
        url_name=f"unknown-{_prefix}",
    )
