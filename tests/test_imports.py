"""The architecture's import rules, read from the source (nothing is imported to check them).

- No import cycle between modules (imports inside functions count: they only hide a cycle).
- Apps depend one way: groups -> galleries -> console. Only the project's wiring (`console.urls`
  and the API's assembly) imports every app. The Azure sandbox imports no app.
- `azure.*` is imported only by the gateway, `galleries/azure/`. The sandbox is Azure's test
  double and hands the tests real SDK credentials, so it may import the SDK too.
- An import inside a function says why on its own line or the line above.

Today's offenders are listed below as allowed sets; each entry goes once its offence does (the
last test fails on an entry that no longer matches anything, so the lists only shrink).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PACKAGES = ("console", "galleries", "groups", "azure_sandbox")
# Apps in dependency order: each may import the ones after it, never the ones before.
APP_ORDER = ("groups", "galleries", "console")
# The project's wiring: the URL conf and the API's assembly import every app.
WIRING = ("console.urls", "console.api")
GATEWAY = "galleries.azure"

# Module cycles today: each a strongly connected set of modules. A cycle passes while its
# modules are a subset of one set here.
ALLOWED_CYCLES: list[frozenset[str]] = [
    frozenset({"azure_sandbox.control", "azure_sandbox.dispatch"}),
    # request_refresh enqueues the task that runs the refresh it requested.
    frozenset({"galleries.refresh.request", "galleries.refresh.runs", "galleries.refresh.tasks"}),
]
# App-level edges against the direction, "importer -> imported".
ALLOWED_AGAINST_DIRECTION: set[str] = set()
# Modules outside the gateway importing azure.*.
ALLOWED_AZURE_IMPORTERS: set[str] = set()
# Imports inside a function without a comment saying why, "module.function: imported".
ALLOWED_UNEXPLAINED_LOCAL_IMPORTS: set[str] = set()


@dataclass(frozen=True)
class Import:
    importer: str
    imported: str  # the module imported (for `from x import name`, x.name if that is a module)
    function: str  # the enclosing function's dotted name; "" at module level
    explained: bool  # a comment on its line or right above it


def module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def source_files() -> Iterator[Path]:
    for package in PACKAGES:
        for path in sorted((REPO / package).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def all_modules() -> set[str]:
    return {module_name(path) for path in source_files()}


def _resolve(importer: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = importer.split(".")
    if not is_package:
        base = base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, *([node.module] if node.module else [])])


def _commented(lines: list[str], line: int) -> bool:
    own = lines[line - 1]
    above = lines[line - 2].strip() if line >= 2 else ""
    return "#" in own or above.startswith("#")


def imports_of(path: Path, modules: set[str]) -> Iterator[Import]:
    text = path.read_text()
    lines = text.splitlines()
    importer = module_name(path)
    is_package = path.name == "__init__.py"

    def visit(node: ast.AST, scope: str, function: str) -> Iterator[Import]:
        for child in ast.iter_child_nodes(node):
            inner_scope, inner_function = scope, function
            if isinstance(child, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
                inner_scope = f"{scope}.{child.name}" if scope else child.name
                if not isinstance(child, ast.ClassDef):
                    inner_function = inner_scope
            if isinstance(child, ast.Import | ast.ImportFrom):
                explained = _commented(lines, child.lineno)
                if isinstance(child, ast.Import):
                    targets = [alias.name for alias in child.names]
                else:
                    source = _resolve(importer, is_package, child)
                    targets = [
                        f"{source}.{alias.name}" if f"{source}.{alias.name}" in modules else source
                        for alias in child.names
                    ]
                for target in dict.fromkeys(targets):
                    yield Import(importer, target, function, explained)
            yield from visit(child, inner_scope, inner_function)

    yield from visit(ast.parse(text), "", "")


@pytest.fixture(scope="module")
def imports() -> list[Import]:
    modules = all_modules()
    return [found for path in source_files() for found in imports_of(path, modules)]


def own_module(imported: str, modules: set[str]) -> str | None:
    """The project module `imported` names (the longest known prefix), if it is one."""
    parts = imported.split(".")
    for end in range(len(parts), 0, -1):
        candidate = ".".join(parts[:end])
        if candidate in modules:
            return candidate
    return None


def module_cycles(imports: list[Import], modules: set[str] | None = None) -> list[frozenset[str]]:
    """The strongly connected sets of two or more modules (Tarjan's algorithm)."""
    modules = all_modules() if modules is None else modules
    graph: dict[str, set[str]] = {module: set() for module in modules}
    for found in imports:
        target = own_module(found.imported, modules)
        if target and target != found.importer:
            graph[found.importer].add(target)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[frozenset[str]] = []

    def connect(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for target in sorted(graph[module]):
            if target not in index:
                connect(target)
                low[module] = min(low[module], low[target])
            elif target in on_stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            members = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                members.add(member)
                if member == module:
                    break
            if len(members) > 1:
                cycles.append(frozenset(members))

    for module in sorted(graph):
        if module not in index:
            connect(module)
    return cycles


def against_direction(imports: list[Import]) -> set[str]:
    edges = set()
    for found in imports:
        importer_app = found.importer.split(".")[0]
        imported_app = found.imported.split(".")[0]
        if importer_app == imported_app or imported_app not in PACKAGES:
            continue
        if importer_app == "azure_sandbox" or imported_app == "azure_sandbox":
            edges.add(f"{importer_app} -> {imported_app}")
        elif found.importer in WIRING or found.importer.startswith(tuple(f"{w}." for w in WIRING)):
            continue
        elif APP_ORDER.index(imported_app) < APP_ORDER.index(importer_app):
            edges.add(f"{importer_app} -> {imported_app}")
    return edges


def azure_importers(imports: list[Import]) -> set[str]:
    return {
        found.importer
        for found in imports
        if found.imported.split(".")[0] == "azure"
        and found.importer.split(".")[0] != "azure_sandbox"
        and found.importer != GATEWAY
        and not found.importer.startswith(f"{GATEWAY}.")
    }


def unexplained_local_imports(imports: list[Import]) -> set[str]:
    return {
        f"{found.importer}.{found.function}: {found.imported}"
        for found in imports
        if found.function and not found.explained
    }


def test_no_import_cycle_beyond_todays(imports: list[Import]) -> None:
    new = [
        sorted(cycle)
        for cycle in module_cycles(imports)
        if not any(cycle <= allowed for allowed in ALLOWED_CYCLES)
    ]
    assert not new, f"import cycles: {new}"


def test_apps_depend_one_way(imports: list[Import]) -> None:
    new = against_direction(imports) - ALLOWED_AGAINST_DIRECTION
    assert not new, f"imports against groups -> galleries -> console: {sorted(new)}"


def test_azure_is_imported_by_the_gateway_only(imports: list[Import]) -> None:
    new = azure_importers(imports) - ALLOWED_AZURE_IMPORTERS
    assert not new, f"azure.* imported outside {GATEWAY}: {sorted(new)}"


def test_imports_inside_functions_say_why(imports: list[Import]) -> None:
    new = unexplained_local_imports(imports) - ALLOWED_UNEXPLAINED_LOCAL_IMPORTS
    assert not new, f"imports inside a function without a comment saying why: {sorted(new)}"


def test_the_allowed_offenders_still_offend(imports: list[Import]) -> None:
    """An allowance whose offence is gone must go too (edit the lists above)."""
    cycles = module_cycles(imports)
    stale = [sorted(allowed) for allowed in ALLOWED_CYCLES if not any(c <= allowed for c in cycles)]
    stale += sorted(ALLOWED_AGAINST_DIRECTION - against_direction(imports))
    stale += sorted(ALLOWED_AZURE_IMPORTERS - azure_importers(imports))
    stale += sorted(ALLOWED_UNEXPLAINED_LOCAL_IMPORTS - unexplained_local_imports(imports))
    assert not stale, f"allowed but no longer found, remove from tests/test_imports.py: {stale}"


def test_the_walk_finds_what_it_forbids() -> None:
    """The rules, on a cycle hidden by an import inside a function and an app-level edge back."""
    found = [
        Import("groups.a", "groups.b", "", explained=False),
        Import("groups.b", "groups.a", "late", explained=False),
        Import("galleries.c", "groups.a", "", explained=False),
        Import("galleries.c", "azure.identity", "", explained=False),
    ]
    assert module_cycles(found, {"groups.a", "groups.b", "galleries.c"}) == [
        frozenset({"groups.a", "groups.b"})
    ]
    assert unexplained_local_imports(found) == {"groups.b.late: groups.a"}
    assert against_direction(found) == {"galleries -> groups"}
    assert azure_importers(found) == {"galleries.c"}
