"""What text can be stored and shown: the one definition, used by the API's parser and the rules.

PostgreSQL refuses NUL in text and JSON, and a lone UTF-16 surrogate ("\\udc00", which JSON's
\\u escapes can spell) can be neither stored in PostgreSQL nor encoded into a UTF-8 page.
"""

from __future__ import annotations

import json
import re
from typing import Any

REPLACEMENT_CHARACTER = "\ufffd"
_SURROGATE = re.compile("[\ud800-\udfff]")


def unstorable_text_reason(value: str) -> str | None:
    """Why `value` can't be stored, or None when it can."""
    if "\x00" in value:
        return "contains a NUL character (\\u0000)"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        return f"is not valid Unicode (it holds a lone surrogate, \\u{ord(value[exc.start]):04x})"
    return None


def printable(value: str) -> str:
    """`value` safe to print in a message or a page: invalid code points escaped."""
    return value.encode("utf-8", "backslashreplace").decode("utf-8").replace("\x00", "\\x00")


def repaired(data: Any) -> Any:
    """`data` (decoded JSON) with every lone surrogate replaced by U+FFFD, keys included.

    For values stored before the API refused them: reading them back must never break a page.
    """
    if isinstance(data, str):
        return _SURROGATE.sub(REPLACEMENT_CHARACTER, data)
    if isinstance(data, list):
        return [repaired(item) for item in data]
    if isinstance(data, dict):
        return {repaired(key): repaired(value) for key, value in data.items()}
    return data


class RepairingJSONDecoder(json.JSONDecoder):
    """Reads JSON columns written before their text was checked: lone surrogates come back as
    U+FFFD, so an old stored value can't make a page fail to encode (see `repaired`)."""

    def decode(self, s: str, *args: Any, **kwargs: Any) -> Any:
        return repaired(super().decode(s, *args, **kwargs))


_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def unstorable_input(request: Any, *, form: bool = True) -> tuple[str, str] | None:
    """(field, message) for the first part of a request's address, query or (with `form`) form
    fields that can't be stored or looked up (a NUL: PostgreSQL refuses it even in a WHERE
    clause), or None. A JSON body is the API parser's business: the API passes form=False, as
    reading the form would consume the body its parser reads.
    """
    reason = unstorable_text_reason(request.path_info)
    if reason is not None:
        return "", f"The address {reason}, which can't be stored."
    sources = [("query parameter", request.GET)]
    if form and request.method == "POST" and request.content_type in _FORM_TYPES:
        sources.append(("form field", request.POST))
    for kind, data in sources:
        for key, values in data.lists():
            # The labels are only spelled out for a refusal: every request passes through here.
            reason = unstorable_text_reason(key)
            if reason is not None:
                return printable(key), f"The name of a {kind} {reason}, which can't be stored."
            for value in values:
                reason = unstorable_text_reason(value)
                if reason is not None:
                    label = f"The {kind} “{printable(key)}”"
                    return printable(key), f"{label} {reason}, which can't be stored."
    return None
