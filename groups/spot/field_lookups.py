"""Rows of the field table (groups.spot.fields) found from outside it: by an editor input's
name (its tab, for the tab badges) and by the concrete path a problem names (the input that
shows the problem, the label that names it in an API error)."""

from __future__ import annotations

import functools

from .fields import FIELDS, Field, editor_fields


def by_input_name(name: str) -> Field | None:
    return next((row for row in FIELDS if row.in_editor and row.name == name), None)


def tab_of(input_name: str) -> str:
    row = by_input_name(input_name)
    return row.tab if row is not None and row.tab else "general"


def _normalized(path: str) -> str:
    return ".".join("*" if step.isdigit() else step for step in path.split("."))


def label_at(path: str) -> str | None:
    """The label of the field at a concrete path (list indexes as numbers), either kind."""
    wanted = _normalized(path)
    return next(
        (row.label for row in FIELDS for kind in row.kinds if row.path(kind) == wanted), None
    )


@functools.cache
def problem_anchors(kind: str) -> dict[str, str]:
    """Spot JSON path (list indexes as "*") -> the input that shows a problem there."""
    anchors: dict[str, str] = {}
    for row in editor_fields(kind):
        anchors[row.path(kind)] = row.name
        for owned in row.owns:
            anchors[owned] = row.name
    return anchors


def input_for_problem(path: str, kind: str) -> str | None:
    """The input a problem at `path` belongs to (longest known prefix), or None."""
    anchors = problem_anchors(kind)
    parts = _normalized(path).split(".")
    while parts:
        name = anchors.get(".".join(parts))
        if name is not None:
            return name
        parts.pop()
    return None
