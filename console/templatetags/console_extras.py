from __future__ import annotations

import json
import math
from datetime import timedelta
from typing import Any

from django import template

from console.audit_diff import FieldChange, field_changes
from console.redaction import redact

register = template.Library()


@register.filter
def audit_json(value: Any) -> str:
    """Pretty JSON of an audit entry's before/after, with anything secret-looking redacted."""
    if value is None:
        return ""
    return json.dumps(redact(value), indent=2, sort_keys=True, ensure_ascii=False, default=str)


@register.simple_tag
def audit_changes(entry: Any) -> list[FieldChange]:
    """The fields an update changed; [] when there is no before or no after to compare."""
    if entry.before is None or entry.after is None:
        return []
    return field_changes(entry.before, entry.after)


@register.filter
def whole_minutes(value: timedelta | None) -> int:
    """A duration in whole minutes, at least one (for "wait N minutes")."""
    if value is None:
        return 0
    return max(1, math.ceil(value.total_seconds() / 60))
