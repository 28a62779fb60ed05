"""A problem of a spec: its code (Spot's error codes), message, field path and severity; and
the Checker that collects them while the rules walk one spec."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..models import Kind
from ..spot.json import IMAGE_PATH, dig

VALIDATION_ERROR = "VALIDATION_ERROR"
MISSING_REQUIRED_FIELD = "MISSING_REQUIRED_FIELD"
# UNKNOWN_ACCOUNT and GALLERY_IMAGE_NOT_FOUND are console.api_envelope's: the inventory API
# answers them too.
GALLERY_VERSION_NOT_FOUND = "GALLERY_VERSION_NOT_FOUND"
GALLERY_VERSION_FAILED = "GALLERY_VERSION_FAILED"
GALLERY_VERSION_NOT_IN_REGION = "GALLERY_VERSION_NOT_IN_REGION"
GALLERY_NOT_SHARED = "GALLERY_NOT_SHARED"
GALLERY_OS_MISMATCH = "GALLERY_OS_MISMATCH"
SPECIALIZED_IMAGE_LOGIN = "SPECIALIZED_IMAGE_LOGIN"
VM_SIZE_ARCHITECTURE_MISMATCH = "VM_SIZE_ARCHITECTURE_MISMATCH"
GALLERY_END_OF_LIFE = "GALLERY_END_OF_LIFE"

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    code: str
    message: str
    field: str
    severity: str = ERROR
    hard: bool = False

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR


def errors_in(problems: list[Problem]) -> list[Problem]:
    return [problem for problem in problems if problem.is_error]


class Checker:
    """Collects problems while walking one spec."""

    def __init__(
        self, kind: Kind, spec: dict[str, Any], previous_spec: dict[str, Any] | None = None
    ) -> None:
        self.kind = kind
        self.spec = spec
        self.previous_spec = previous_spec
        self.problems: list[Problem] = []

    @property
    def image_changed(self) -> bool:
        """An update that sets another image than the active group had."""
        previous = self.previous_spec
        return previous is not None and dig(previous, IMAGE_PATH) != dig(self.spec, IMAGE_PATH)

    def add(
        self, code: str, message: str, field: str, severity: str = ERROR, *, hard: bool = False
    ) -> None:
        self.problems.append(Problem(code, message, field, severity, hard))

    def required(self, path: str, label: str, expected: type | tuple[type, ...]) -> Any:
        """The value at `path` if present and of the expected type, else a problem and None."""
        value = dig(self.spec, path)
        if value is None or value == "" or value == []:
            verb = "are" if expected is list else "is"  # list labels are plural: "VM sizes"
            self.add(MISSING_REQUIRED_FIELD, f"{label} {verb} required.", path)
            return None
        return self.typed(path, label, value, expected)

    def optional(self, path: str, label: str, expected: type | tuple[type, ...]) -> Any:
        value = dig(self.spec, path)
        return None if value is None else self.typed(path, label, value, expected)

    def typed(self, path: str, label: str, value: Any, expected: type | tuple[type, ...]) -> Any:
        wanted = expected if isinstance(expected, tuple) else (expected,)
        # bool is an int to Python, never to a JSON schema.
        is_bool_for_number = isinstance(value, bool) and bool not in wanted
        if is_bool_for_number or not isinstance(value, wanted):
            names = " or ".join(_TYPE_WORDS.get(t, t.__name__) for t in wanted)
            self.add(VALIDATION_ERROR, f"{label} must be {names}.", path)
            return None
        return value


_TYPE_WORDS = {
    str: "text",
    int: "a whole number",
    bool: "true or false",
    list: "a list",
    dict: "an object",
}
