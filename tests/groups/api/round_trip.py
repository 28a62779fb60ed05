"""Comparing what a client wrote with what it reads back."""

from __future__ import annotations

import copy
from typing import Any


def differences(sent: Any, got: Any, path: str = "") -> list[str]:
    """Where `got` does not carry `sent` unchanged: every key sent comes back with the same
    value and JSON type (a null sent is a field left out, an empty object may be); extra keys
    (id, times) are fine."""
    if isinstance(sent, dict):
        if not isinstance(got, dict):
            return [f"{path}: sent an object, got {got!r}"]
        found = []
        for key, value in sent.items():
            where = f"{path}.{key}" if path else key
            if value is None:
                if got.get(key) is not None:
                    found.append(f"{where}: sent null, got {got[key]!r}")
            elif value == {} and key not in got:
                continue  # an empty object sent reads back absent: a Go client sees no value
            elif key not in got:
                found.append(f"{where}: missing")
            else:
                found.extend(differences(value, got[key], where))
        return found
    if isinstance(sent, list):
        if not isinstance(got, list) or len(got) != len(sent):
            return [f"{path}: sent {sent!r}, got {got!r}"]
        return [d for i, item in enumerate(sent) for d in differences(item, got[i], f"{path}.{i}")]
    if type(sent) is not type(got) or sent != got:
        return [f"{path}: sent {sent!r}, got {got!r}"]
    return []


def merged(base: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    """What a partial update leaves: objects merged, lists and values replaced, null cleared."""
    result = copy.deepcopy(base)
    for key, value in patch.items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = merged(result[key], value)
        else:
            result[key] = copy.deepcopy(value)
    return result
