"""An audit entry's change as the fields that differ, not two whole JSON documents."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from .redaction import redact

_ABSENT = object()


@dataclass(frozen=True)
class FieldChange:
    path: str  # "spec.capacity.maximum", list items by index
    before: str  # JSON text, "" when the field was absent
    after: str

    @property
    def kind(self) -> str:
        return "added" if not self.before else "removed" if not self.after else "changed"


def _text(value: Any) -> str:
    if value is _ABSENT:
        return ""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def _walk(before: Any, after: Any, path: str, found: list[FieldChange]) -> None:
    if isinstance(before, dict) and isinstance(after, dict):
        for key in sorted(set(before) | set(after), key=str):
            child = f"{path}.{key}" if path else str(key)
            _walk(before.get(key, _ABSENT), after.get(key, _ABSENT), child, found)
        return
    if before != after:
        found.append(FieldChange(path or "(whole value)", _text(before), _text(after)))


def field_changes(before: Any, after: Any) -> list[FieldChange]:
    """The fields that differ between `before` and `after` (secrets redacted), in path order;
    lists compare as whole values, as they are replaced whole."""
    found: list[FieldChange] = []
    # A group's update records the old spec alone as before and {status, source, spec} as
    # after: compare spec with spec.
    if isinstance(after, dict) and isinstance(before, dict) and "spec" in after.keys() - before:
        before = {"spec": before}
    _walk(redact(before), redact(after), "", found)
    return found
