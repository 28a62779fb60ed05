"""Ninja's error paths answered in Spot's envelope instead of ninja's defaults (or a 500 page)."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpRequest, JsonResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from groups.validation.problems import MISSING_REQUIRED_FIELD, VALIDATION_ERROR

from .envelope import (
    FORBIDDEN,
    INTERNAL_ERROR,
    NOT_FOUND,
    PAYLOAD_TOO_LARGE,
    UNAUTHORIZED,
    ApiError,
    ErrorItem,
    error,
)

logger = logging.getLogger(__name__)
# Where ninja reports a problem: ("body", <parameter name>, *field path) or ("query", name).
_SOURCES_WITH_PARAMETER_NAME = ("body",)


def _field(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = list(loc)
    skip = 2 if parts and parts[0] in _SOURCES_WITH_PARAMETER_NAME else 1
    return ".".join(str(part) for part in parts[skip:])


def _item(problem: dict[str, Any]) -> ErrorItem:
    field = _field(problem.get("loc", ()))
    kind = problem.get("type", "")
    if kind == "missing":
        return ErrorItem(
            MISSING_REQUIRED_FIELD, f"{field or 'The request body'} is required.", field
        )
    where = field or "The request body"
    if not field and kind in ("model_type", "model_attributes_type", "dict_type"):
        return ErrorItem(VALIDATION_ERROR, "The request body must be a JSON object.", field)
    if kind == "value_error":  # a rule's own message (console.rules), said as the console says it
        return ErrorItem(VALIDATION_ERROR, str(problem.get("ctx", {}).get("error", "")), field)
    return ErrorItem(VALIDATION_ERROR, f"{where}: {problem.get('msg', 'invalid value')}.", field)


def on_api_error(request: HttpRequest, exc: ApiError) -> JsonResponse:
    return error(request, exc.status, exc.errors)


def on_validation_error(request: HttpRequest, exc: ValidationError) -> JsonResponse:
    return error(request, 400, [_item(problem) for problem in exc.errors])


def on_authentication_error(request: HttpRequest, exc: AuthenticationError) -> JsonResponse:
    message = (
        "The API token is missing, invalid or revoked. Send `Authorization: Bearer <token>` "
        "with a token from Settings → API tokens."
    )
    response = error(request, 401, [ErrorItem(UNAUTHORIZED, message)])
    response["WWW-Authenticate"] = "Bearer"
    return response


def on_http_error(request: HttpRequest, exc: HttpError) -> JsonResponse:
    if isinstance(exc.__cause__, ApiError):  # ninja wraps what the body parser refused
        return error(request, exc.__cause__.status, exc.__cause__.errors)
    codes = {400: VALIDATION_ERROR, 401: UNAUTHORIZED, 403: FORBIDDEN, 404: NOT_FOUND}
    status = exc.status_code
    message = str(exc)
    if status == 400 and message.startswith("Cannot parse request body"):
        message = "The request body is not valid JSON."
    return error(request, status, [ErrorItem(codes.get(status, f"HTTP_{status}"), message)])


def on_body_too_large(request: HttpRequest, exc: RequestDataTooBig) -> JsonResponse:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    message = f"The request body is larger than {limit:,} bytes, the most this server accepts."
    return error(request, 413, [ErrorItem(PAYLOAD_TOO_LARGE, message)])


def on_suspicious_request(request: HttpRequest, exc: SuspiciousOperation) -> JsonResponse:
    """Django's refusals of a malformed request (too many fields, a bad header) are the
    client's mistake: a 400, never a 500."""
    return error(request, 400, [ErrorItem(VALIDATION_ERROR, "The request is malformed.")])


def on_not_found(request: HttpRequest, exc: Http404) -> JsonResponse:
    return error(request, 404, [ErrorItem(NOT_FOUND, f"Nothing was found at {request.path}.")])


def on_unexpected_error(request: HttpRequest, exc: Exception) -> JsonResponse:
    logger.exception("Unexpected error in %s %s", request.method, request.path)
    message = "Something went wrong on our side; the request id identifies it in the logs."
    return error(request, 500, [ErrorItem(INTERNAL_ERROR, message)])


def install(api: NinjaAPI) -> None:
    """Answer every error in Spot's envelope (the last, Exception, catches the rest)."""
    handlers: list[tuple[type[Exception], Any]] = [
        (ApiError, on_api_error),
        (ValidationError, on_validation_error),
        (AuthenticationError, on_authentication_error),
        (HttpError, on_http_error),
        (RequestDataTooBig, on_body_too_large),
        (SuspiciousOperation, on_suspicious_request),
        (Http404, on_not_found),
        (Exception, on_unexpected_error),
    ]
    for exception, handler in handlers:
        api.add_exception_handler(exception, handler)
