"""Spot JSON pasted or uploaded in the console, checked as the API checks a create body.

The same parser (no NaN, no unstorable text, bounded nesting), the same request models and
their messages in words at the field, the same spellings accepted; what passes becomes a spec
for `groups.services.save_group`, which runs the same validation as the API (a draft keeps
the inventory's problems as warnings; a broken field rule still refuses it).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationError

from console.api_envelope import ApiError

from ..api.handlers import error_item
from ..api.parsing import parse_json
from ..api.schemas import (
    CreateGroupBody,
    CreateStatefulNodeBody,
    oversized_unknown_field_messages,
)
from ..models import Kind
from ..spot.json import parse_body
from ..validation.problems import VALIDATION_ERROR, Problem

WRAPPER = {Kind.STATELESS: "group", Kind.STATEFUL: "statefulNode"}
_BODY: dict[Kind, type[BaseModel]] = {
    Kind.STATELESS: CreateGroupBody,
    Kind.STATEFUL: CreateStatefulNodeBody,
}


class ImportRefused(Exception):
    """The text is not a Spot body the API would accept; `problems` say why, at their field."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(problem.message for problem in problems))
        self.problems = problems


def _unwrapped(kind: Kind, data: Any) -> Any:
    """The object to create: a create body {"group": …}, an API answer (its first item), or
    the bare object as the Review tab shows it."""
    if isinstance(data, dict) and isinstance(data.get("response"), dict):
        items = data["response"].get("items")
        data = items[0] if isinstance(items, list) and items else data
    if isinstance(data, dict) and WRAPPER[kind] in data and len(data) == 1:
        return data
    return {WRAPPER[kind]: data}


def spec_from_text(kind: Kind, text: str | bytes) -> dict[str, Any]:
    """A spec from Spot JSON text; raises ImportRefused with the API's own messages."""
    raw = text.encode() if isinstance(text, str) else text
    if not raw.strip():
        raise ImportRefused([Problem(VALIDATION_ERROR, "Paste Spot JSON or choose a file.", "")])
    try:
        body = _unwrapped(kind, parse_json(raw))
        if not isinstance(body[WRAPPER[kind]], dict):
            message = f"The JSON must be an object (a {kind.label.lower()}), not a list or a value."
            raise ImportRefused([Problem(VALIDATION_ERROR, message, "")])
        model = _BODY[kind].model_validate(body)
    except ApiError as refused:
        raise ImportRefused(
            [Problem(item.code, item.message, item.field) for item in refused.errors]
        ) from None
    except ValidationError as invalid:
        items = [error_item(dict(problem)) for problem in invalid.errors()]
        raise ImportRefused([Problem(i.code, i.message, i.field) for i in items]) from None
    oversized = oversized_unknown_field_messages(getattr(model, WRAPPER[kind]))
    if oversized:
        raise ImportRefused([Problem(VALIDATION_ERROR, text, path) for path, text in oversized])
    dumped = model.model_dump(exclude_unset=True)
    return parse_body(kind, dumped.get(WRAPPER[kind]) or {})
