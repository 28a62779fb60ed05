"""Regenerate the path lists beside this file from a checkout of spotinst/openapi.

    python tests/groups/api/spot_schema/extract.py /path/to/spotinst-openapi [commit]

(the commit is read from the checkout's git when not given, e.g. for an exported tree).

Each request body's schema is walked with its $refs (relative files, optional #/fragments) and
allOf/oneOf/anyOf parts resolved; a path is written for every property and list item ("[]").
The lists are checked in so the coverage test needs neither the repository nor the network.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).parent
AZURE = "api/services/elastigroup/azure"
BODIES = {
    "group": (
        "group",
        "v3 group",
        f"{AZURE}/spotVms/paths/groupsVm.yaml",
        f"{AZURE}/spotVms/paths/groupVm.yaml",
    ),
    "stateful_node": (
        "statefulNode",
        "stateful node",
        f"{AZURE}/stateful/node/paths/createGetAll.yaml",
        f"{AZURE}/stateful/node/paths/deleteUpdateGet.yaml",
    ),
}
COMBINATIONS = ("allOf", "oneOf", "anyOf")


def _load(path: Path, cache: dict[Path, Any]) -> Any:
    if path not in cache:
        cache[path] = yaml.safe_load(path.read_text())
    return cache[path]


def _resolve(node: Any, base: Path, cache: dict[Path, Any]) -> tuple[Any, Path]:
    while isinstance(node, dict) and "$ref" in node:
        target, _, fragment = node["$ref"].partition("#")
        base = (base.parent / target).resolve() if target else base
        node = _load(base, cache)
        for step in filter(None, fragment.split("/")):
            node = node[step]
    return node, base


def _walk(node: Any, base: Path, path: str, found: dict[str, bool], cache: dict) -> None:
    node, base = _resolve(node, base, cache)
    for combination in COMBINATIONS:
        for part in node.get(combination, []):
            _walk(part, base, path, found, cache)
    if path:
        found[path] = found.get(path, False) or bool(node.get("readOnly"))
    for name, child in (node.get("properties") or {}).items():
        _walk(child, base, f"{path}.{name}" if path else name, found, cache)
    if "items" in node:
        _walk(node["items"], base, f"{path}[]", found, cache)


def body_paths(root: Path, path_file: str, method: str, wrapper: str) -> list[str]:
    """The writable paths inside `wrapper` of the operation's JSON request body."""
    cache: dict[Path, Any] = {}
    file = (root / path_file).resolve()
    schema = _load(file, cache)[method]["requestBody"]["content"]["application/json"]["schema"]
    found: dict[str, bool] = {}
    _walk(schema, file, "", found, cache)
    prefix = f"{wrapper}."
    return [
        p[len(prefix) :] for p, read_only in found.items() if p.startswith(prefix) and not read_only
    ]


def main(root: Path, commit: str = "") -> None:
    commit = (
        commit
        or subprocess.run(
            ["git", "-C", str(root), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    )
    for name, (wrapper, title, create_file, update_file) in BODIES.items():
        create = set(body_paths(root, create_file, "post", wrapper))
        update = set(body_paths(root, update_file, "put", wrapper))
        paths = sorted(create | update)
        header = [
            f"# Every request path of Spot's Azure {title} body, inside `{wrapper}`:",
            f"# spotinst/openapi at {commit},",
            f"# {create_file} (POST) and {update_file} (PUT), $refs and allOf resolved;",
            '# "[]" is each item of a list. Read-only fields (id, createdAt, updatedAt) left out.',
            f"# create: {len(create)} paths, update: {len(update)}, together: {len(paths)}.",
        ]
        (HERE / f"{name}_paths.txt").write_text("\n".join(header + paths) + "\n")


if __name__ == "__main__":
    main(Path(sys.argv[1]), *sys.argv[2:3])
