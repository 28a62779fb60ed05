"""Field rules, each defined once and used by the console's forms and the API alike.

A rule checks one value and returns the message a user sees at the field, or None. It also
describes itself for the OpenAPI document (`json_schema`) and for HTML inputs (`input_attrs`).
The rules of Azure's and Spot's own fields live next to their data (galleries.azure_names,
groups.rules); this module holds the kinds of rule and the rules of the console's own records.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError

from .text import unstorable_text_reason


def _has_control_characters(value: str, allowed: str) -> bool:
    return any(unicodedata.category(c) == "Cc" and c not in allowed for c in value)


@dataclass(frozen=True)
class TextRule:
    """Text: storable, not blank, within a length, optionally matching a pattern.

    `pattern` is matched against the whole value; `pattern_message` says what it allows.
    `check` adds a rule no pattern expresses (return a message or None).
    """

    label: str
    max_length: int
    min_length: int = 1
    pattern: str = ""
    pattern_message: str = ""
    multiline: bool = False
    allow_blank: bool = False
    check: Callable[[str], str | None] | None = field(default=None, compare=False)
    source: str = ""

    def problem(self, value: str) -> str | None:
        reason = unstorable_text_reason(value)
        if reason is not None:
            return f"{self.label} {reason}."
        if not value and self.allow_blank:
            return None
        if not value.strip():
            return f"{self.label} can't be blank."
        if _has_control_characters(value, "\n\r\t" if self.multiline else ""):
            return f"{self.label} can't contain control characters (line breaks, tabs…)."
        if len(value) > self.max_length:
            return (
                f"{self.label} can be at most {self.max_length:,} characters long "
                f"(it has {len(value):,})."
            )
        if len(value) < self.min_length:
            unit = "character" if self.min_length == 1 else "characters"
            return f"{self.label} needs at least {self.min_length} {unit}."
        if self.pattern and not re.fullmatch(self.pattern, value):
            return self.pattern_message
        return self.check(value) if self.check is not None else None

    def json_schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {"minLength": self.min_length, "maxLength": self.max_length}
        if self.pattern:
            schema["pattern"] = f"^(?:{self.pattern})$"
        return schema

    def input_attrs(self) -> dict[str, Any]:
        return {"maxlength": self.max_length}

    def validator(self, value: str) -> None:
        """As a Django form field validator."""
        message = self.problem(value)
        if message is not None:
            raise ValidationError(message)


@dataclass(frozen=True)
class NumberRule:
    """A whole number within bounds."""

    label: str
    minimum: int
    maximum: int
    unit: str = ""
    source: str = ""

    def problem(self, value: int) -> str | None:
        unit = f" {self.unit}" if self.unit else ""
        if not self.minimum <= value <= self.maximum:
            return (
                f"{self.label} must be between {self.minimum:,} and {self.maximum:,}{unit} "
                f"(got {value:,})."
            )
        return None

    def json_schema(self) -> dict[str, Any]:
        return {"minimum": self.minimum, "maximum": self.maximum}

    def input_attrs(self) -> dict[str, Any]:
        return {"min": self.minimum, "max": self.maximum}

    def validator(self, value: int) -> None:
        message = self.problem(value)
        if message is not None:
            raise ValidationError(message)


Rule = TextRule | NumberRule

# The columns that keep these values hold 200 characters.
ACCOUNT_NAME = TextRule("Account name", max_length=200)
ORGANIZATION_NAME = TextRule("Organization name", max_length=200)
