"""The API's JSON parser: a body that can't be stored or shown is refused before any handler runs.

Refused with a 400 in Spot's envelope, naming the field: NaN, Infinity and numbers too large
for a double (1e999), which no database stores as JSON; text with NUL or a lone surrogate
(console.text); nesting deeper than MAX_DEPTH. A body over Django's DATA_UPLOAD_MAX_MEMORY_SIZE
is a 413 (groups.api.handlers).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from functools import wraps
from typing import Any, NoReturn

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from ninja.parser import Parser

from console.api_envelope import ApiError, ErrorItem, error, object_field
from console.text import printable, unstorable_input, unstorable_text_reason
from groups.validation.problems import VALIDATION_ERROR

# Spot's deepest documented field sits 8 levels down; anything far deeper is not a Spot body.
MAX_DEPTH = 32


def _refuse(message: str, field: str = "") -> NoReturn:
    raise ApiError(400, ErrorItem(VALIDATION_ERROR, message, field))


def _no_constant(name: str) -> NoReturn:
    _refuse(f"{name} is not a JSON number; send a finite number.")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        _refuse(f"{text[:40]} is too large a number; send a finite number.")
    return value


def _path(parent: str, key: str | int) -> str:
    return f"{parent}.{key}" if parent else str(key)


def check_storable(data: Any) -> None:
    """Refuse text that can't be stored (keys too) and nesting deeper than MAX_DEPTH."""
    stack: list[tuple[Any, str, int]] = [(data, "", 0)]
    while stack:
        value, path, depth = stack.pop()
        if depth > MAX_DEPTH:
            _refuse(f"The body is nested more than {MAX_DEPTH} levels deep.", path)
        if isinstance(value, str):
            reason = unstorable_text_reason(value)
            if reason is not None:
                _refuse(f"{object_field(path) or 'The body'} {reason}.", path)
        elif isinstance(value, dict):
            for key, item in value.items():
                reason = unstorable_text_reason(key)
                if reason is not None:
                    _refuse(f'The field name "{printable(key)}" {reason}.', path)
                stack.append((item, _path(path, key), depth + 1))
        elif isinstance(value, list):
            stack.extend((item, _path(path, index), depth + 1) for index, item in enumerate(value))


def parse_json(body: bytes) -> Any:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        _refuse("The request body is not UTF-8 text.")
    try:
        data = json.loads(text, parse_constant=_no_constant, parse_float=_finite_float)
    except RecursionError:
        _refuse(f"The body is nested more than {MAX_DEPTH} levels deep.")
    except ValueError:
        _refuse("The request body is not valid JSON.")
    check_storable(data)
    return data


class SpotJsonParser(Parser):
    def parse_body(self, request: HttpRequest) -> Any:
        return parse_json(request.body)


def refuse_unstorable_input(
    view: Callable[..., HttpResponseBase],
) -> Callable[..., HttpResponseBase]:
    """`view`, answering a NUL in its path or query (which no lookup survives on PostgreSQL)
    with a 400 in Spot's envelope, as console.middleware.BadInputMiddleware does for pages."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        problem = unstorable_input(request, form=False)
        if problem is not None:
            field, message = problem
            return error(request, 400, [ErrorItem(VALIDATION_ERROR, message, field)])
        return view(request, *args, **kwargs)

    wrapped.answers_bad_input_itself = True  # type: ignore[attr-defined]
    return wrapped
