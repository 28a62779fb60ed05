"""A change in words: the proposed Spot JSON against the live one, one line per field.

Works on any Spot JSON path (fields the editor does not show included), so nothing that
changes is left out: "Image > Gallery > Version: 1.0.0 → 1.1.0", "VM sizes > Spot sizes:
+standard_d4s_v5". Lists of plain values are compared as sets of added and removed items;
lists of objects (network interfaces, load balancers) are compared item by item.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

# Path segments that only nest and say nothing to a reader.
_SILENT = {"compute", "launchSpecification"}
_WORDS = {"od": "On-demand", "vm": "VM", "os": "OS", "ip": "IP", "id": "ID", "ssh": "SSH"}


@dataclass(frozen=True)
class FieldChange:
    path: str  # the Spot JSON path, dotted
    label: str
    before: str  # "" when the field is added
    after: str  # "" when the field is removed
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()

    @property
    def words(self) -> str:
        if self.added or self.removed:
            items = [f"+{item}" for item in self.added] + [f"-{item}" for item in self.removed]
            return f"{self.label}: {', '.join(items)}"
        if not self.before:
            return f"{self.label}: set to {self.after}"
        if not self.after:
            return f"{self.label}: {self.before} removed"
        return f"{self.label}: {self.before} → {self.after}"


def _humanize(key: str) -> str:
    parts = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", key).split()
    words = [_WORDS.get(part.lower(), part.lower()) for part in parts]
    text = " ".join(words)
    return text[:1].upper() + text[1:]


def _label(path: tuple[str, ...]) -> str:
    shown = [part for part in path if part not in _SILENT] or list(path)
    return " > ".join(f"#{int(part) + 1}" if part.isdigit() else _humanize(part) for part in shown)


def _scalar(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _is_flat_list(value: Any) -> bool:
    return isinstance(value, list) and all(not isinstance(item, (dict, list)) for item in value)


def _walk(before: Any, after: Any, path: tuple[str, ...], out: list[FieldChange]) -> None:
    if before == after:
        return
    if isinstance(before, dict) or isinstance(after, dict):
        old = before if isinstance(before, dict) else {}
        new = after if isinstance(after, dict) else {}
        for key in list(old) + [key for key in new if key not in old]:
            _walk(old.get(key), new.get(key), (*path, str(key)), out)
        return
    if _is_flat_list(before or []) and _is_flat_list(after or []):
        old_items = [_scalar(item) for item in before or []]
        new_items = [_scalar(item) for item in after or []]
        added = tuple(item for item in new_items if item not in old_items)
        removed = tuple(item for item in old_items if item not in new_items)
        if added or removed:
            out.append(FieldChange(".".join(path), _label(path), "", "", added, removed))
        else:  # same items, another order
            out.append(
                FieldChange(
                    ".".join(path), _label(path), ", ".join(old_items), ", ".join(new_items)
                )
            )
        return
    if isinstance(before, list) or isinstance(after, list):
        old_list = before if isinstance(before, list) else []
        new_list = after if isinstance(after, list) else []
        for index in range(max(len(old_list), len(new_list))):
            _walk(
                old_list[index] if index < len(old_list) else None,
                new_list[index] if index < len(new_list) else None,
                (*path, str(index)),
                out,
            )
        return
    out.append(FieldChange(".".join(path), _label(path), _scalar(before), _scalar(after)))


def changes_in_words(live: dict[str, Any] | None, proposed: dict[str, Any]) -> list[FieldChange]:
    """Every field that differs, in the order the proposed JSON lists them."""
    out: list[FieldChange] = []
    _walk(live or {}, proposed, (), out)
    return out
