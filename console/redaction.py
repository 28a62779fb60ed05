"""Defensive rendering of audit data: whatever a writer put there, secrets are not shown."""

from __future__ import annotations

import re
from typing import Any

REDACTED = "[redacted]"
# Key names that only ever hold secrets (writers should not store them; this is a backstop).
_SECRET_KEY_NAME = re.compile(
    r"secret|passw|digest|private|api_?key|access_?key|authorization|^token$|^raw", re.IGNORECASE
)
# Values shaped like our API tokens, a bearer header or a PEM private key.
_SECRET_VALUE = re.compile(
    r"^(gc_[A-Za-z0-9_-]{16,}|Bearer\s+\S+|-----BEGIN [A-Z ]*PRIVATE KEY-----)", re.IGNORECASE
)


def redact(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            key: REDACTED if _SECRET_KEY_NAME.search(str(key)) else redact(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [redact(item) for item in value]
    if isinstance(value, str) and _SECRET_VALUE.match(value.strip()):
        return REDACTED
    return value
