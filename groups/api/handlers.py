"""Ninja's error paths answered in Spot's envelope instead of ninja's defaults (or a 500 page)."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpRequest, JsonResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from console.api_envelope import (
    FORBIDDEN,
    INTERNAL_ERROR,
    NOT_FOUND,
    PAYLOAD_TOO_LARGE,
    UNAUTHORIZED,
    ApiError,
    ErrorItem,
    error,
    object_field,
)
from groups.reviews.saves import AwaitsReview
from groups.spot.field_lookups import label_at
from groups.validation.problems import MISSING_REQUIRED_FIELD, VALIDATION_ERROR

from .kinds import CHANGE_AWAITS_REVIEW

logger = logging.getLogger(__name__)
# Where ninja reports a problem: ("body", <parameter name>, *field path) or ("query", name).
_SOURCES_WITH_PARAMETER_NAME = ("body",)


def _field(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = list(loc)
    skip = 2 if parts and parts[0] in _SOURCES_WITH_PARAMETER_NAME else 1
    return object_field(".".join(str(part) for part in parts[skip:]))


# What a value of the wrong JSON type should have been, in the console's words.
_EXPECTED = {
    "int_type": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "string_type": "text",
    "bool_type": "true or false",
    "list_type": "a list",
    "model_type": "an object",
    "model_attributes_type": "an object",
    "dict_type": "an object",
}


def error_item(problem: dict[str, Any]) -> ErrorItem:
    """One problem the request models found, said as the console's own checks say it: the
    field's label from the field table (else its path), its path relative to the object."""
    field = _field(problem.get("loc", ()))
    kind = problem.get("type", "")
    if not field and kind in ("model_type", "model_attributes_type", "dict_type"):
        return ErrorItem(VALIDATION_ERROR, "The request body must be a JSON object.", field)
    name = label_at(field) or field or "The request body"
    if kind == "missing":
        return ErrorItem(MISSING_REQUIRED_FIELD, f"{name} is required.", field)
    if kind == "value_error":  # a rule's own message (console.rules), said as the console says it
        return ErrorItem(VALIDATION_ERROR, str(problem.get("ctx", {}).get("error", "")), field)
    if kind in _EXPECTED:
        return ErrorItem(VALIDATION_ERROR, f"{name} must be {_EXPECTED[kind]}.", field)
    if kind == "extra_forbidden":  # an object Spot's schema closes (the field table's `closed`)
        parent, _, key = field.rpartition(".")
        where = label_at(parent) or parent or "the request body"
        message = f'"{key}" is not a field of {where}: Spot\'s schema allows no other keys there.'
        return ErrorItem(VALIDATION_ERROR, message, field)
    if kind == "literal_error":
        expected = problem.get("ctx", {}).get("expected", "")
        return ErrorItem(VALIDATION_ERROR, f"{name} must be {expected}.", field)
    return ErrorItem(VALIDATION_ERROR, f"{name}: {problem.get('msg', 'invalid value')}.", field)


def on_api_error(request: HttpRequest, exc: ApiError) -> JsonResponse:
    return error(request, exc.status, exc.errors)


def on_awaits_review(request: HttpRequest, exc: AwaitsReview) -> JsonResponse:
    return error(request, 409, [ErrorItem(CHANGE_AWAITS_REVIEW, str(exc), "")])


def on_validation_error(request: HttpRequest, exc: ValidationError) -> JsonResponse:
    return error(request, 400, [error_item(problem) for problem in exc.errors])


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
        (AwaitsReview, on_awaits_review),
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
