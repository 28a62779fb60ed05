"""Read docker-compose.yml (plus overrides) the way `docker compose` does, for the smoke test.

Only the parts of the Compose specification that our file uses are understood; anything else
is refused with a clear message, so the smoke test can never silently ignore a setting that
`docker compose up` would apply.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml


class ComposeError(Exception):
    """The compose file uses something the smoke test does not understand, or is invalid."""


SERVICE_KEYS = {
    "build",
    "image",
    "restart",
    "environment",
    "depends_on",
    "command",
    "healthcheck",
    "ports",
    "volumes",
}
BUILD_KEYS = {"context", "dockerfile", "args"}
HEALTHCHECK_KEYS = {"test", "interval", "timeout", "retries", "start_period", "disable"}
DEPENDENCY_CONDITIONS = {
    "service_started",
    "service_healthy",
    "service_completed_successfully",
}
# Sequences that Compose appends across files instead of replacing.
APPENDED_SEQUENCES = {"ports", "volumes"}

# Compose's defaults (https://docs.docker.com/reference/dockerfile/#healthcheck).
DEFAULT_INTERVAL = 30.0
DEFAULT_TIMEOUT = 30.0
DEFAULT_RETRIES = 3

_VARIABLE = re.compile(
    r"\$(?:(?P<escaped>\$)|\{(?P<braced>[^}]*)\}|(?P<named>[A-Za-z_][A-Za-z0-9_]*))"
)
_BRACED = re.compile(
    r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:-|-|:\?|\?|:\+|\+)(?P<arg>.*))?$"
)
_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|us|h|m|s)")
_DURATION_UNITS = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001, "us": 0.000001}


@dataclass(frozen=True)
class Build:
    context: Path
    dockerfile: str = "Dockerfile"
    args: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Healthcheck:
    test: tuple[str, ...]  # ("CMD", arg, ...) or ("CMD-SHELL", command)
    interval: float = DEFAULT_INTERVAL
    timeout: float = DEFAULT_TIMEOUT
    retries: int = DEFAULT_RETRIES
    start_period: float = 0.0

    @property
    def patience(self) -> float:
        """How long Compose waits before it calls a starting container unhealthy."""
        return self.start_period + self.retries * (self.interval + self.timeout)


@dataclass(frozen=True)
class PortMapping:
    host: int
    container: int


@dataclass(frozen=True)
class VolumeMount:
    volume: str
    target: str


@dataclass
class Service:
    name: str
    image: str | None
    build: Build | None
    command: tuple[str, ...] | None
    environment: dict[str, str]
    depends_on: dict[str, str]  # service name -> condition
    healthcheck: Healthcheck | None
    ports: list[PortMapping] = field(default_factory=list)
    volumes: list[VolumeMount] = field(default_factory=list)
    restart: str = "no"


@dataclass
class Project:
    services: dict[str, Service]
    volumes: list[str]

    def start_order(self) -> list[Service]:
        """Services after everything they depend on (Compose refuses cycles too)."""
        ordered: list[Service] = []
        visiting: set[str] = set()

        def visit(name: str) -> None:
            if any(service.name == name for service in ordered):
                return
            if name in visiting:
                raise ComposeError(f"depends_on has a cycle through {name}")
            visiting.add(name)
            for dependency in self.services[name].depends_on:
                visit(dependency)
            visiting.discard(name)
            ordered.append(self.services[name])

        for name in self.services:
            visit(name)
        return ordered


def interpolate(value: str, variables: Mapping[str, str]) -> str:
    """Compose's variable substitution: $VAR, ${VAR}, ${VAR:-default}, ${VAR:?error}, $$."""

    def substitute(match: re.Match[str]) -> str:
        if match.group("escaped"):
            return "$"
        if match.group("named"):
            return variables.get(match.group("named"), "")
        braced = _BRACED.match(match.group("braced"))
        if braced is None:
            raise ComposeError(f"invalid interpolation: {match.group(0)}")
        name, op, arg = braced.group("name", "op", "arg")
        current = variables.get(name)
        is_set, is_nonempty = current is not None, bool(current)
        if op is None:
            return current or ""
        if op in (":-", "-"):
            use_default = not is_nonempty if op == ":-" else not is_set
            return interpolate(arg, variables) if use_default else (current or "")
        if op in (":?", "?"):
            missing = not is_nonempty if op == ":?" else not is_set
            if missing:
                raise ComposeError(f"required variable {name} is missing a value: {arg}")
            return current or ""
        replace = is_nonempty if op == ":+" else is_set
        return interpolate(arg, variables) if replace else ""

    return _VARIABLE.sub(substitute, value)


def _interpolate_tree(node: Any, variables: Mapping[str, str]) -> Any:
    if isinstance(node, str):
        return interpolate(node, variables)
    if isinstance(node, list):
        return [_interpolate_tree(item, variables) for item in node]
    if isinstance(node, dict):
        return {key: _interpolate_tree(value, variables) for key, value in node.items()}
    return node


def parse_duration(value: Any) -> float:
    """Compose durations: "1m30s", "10s", "500ms" (seconds as a number are accepted too)."""
    if isinstance(value, int | float):
        return float(value)
    text = str(value).strip()
    parts = _DURATION_PART.findall(text)
    if not parts or "".join(number + unit for number, unit in parts) != text:
        raise ComposeError(f"invalid duration: {value!r}")
    return sum(float(number) * _DURATION_UNITS[unit] for number, unit in parts)


def _normalize_service(raw: dict[str, Any]) -> dict[str, Any]:
    """Bring short forms to their long form, so that overrides merge as Compose merges them."""
    service = dict(raw)
    if isinstance(service.get("build"), str):
        service["build"] = {"context": service["build"]}
    if isinstance(service.get("environment"), list):
        environment = {}
        for item in service["environment"]:
            key, _, value = str(item).partition("=")
            environment[key] = value
        service["environment"] = environment
    if isinstance(service.get("depends_on"), list):
        service["depends_on"] = {
            name: {"condition": "service_started"} for name in service["depends_on"]
        }
    return service


def _merge(base: Any, override: Any, key: str = "") -> Any:
    if isinstance(base, dict) and isinstance(override, dict):
        merged = dict(base)
        for name, value in override.items():
            merged[name] = _merge(base[name], value, name) if name in base else value
        return merged
    if key in APPENDED_SEQUENCES and isinstance(base, list) and isinstance(override, list):
        return base + [item for item in override if item not in base]
    return override


def _read(path: Path) -> dict[str, Any]:
    document = yaml.safe_load(path.read_text()) or {}
    if not isinstance(document, dict):
        raise ComposeError(f"{path}: not a mapping")
    unknown = {key for key in document if not key.startswith("x-")} - {"services", "volumes"}
    if unknown:
        raise ComposeError(f"{path}: top-level keys not understood: {sorted(unknown)}")
    services = document.get("services") or {}
    return {
        "services": {name: _normalize_service(raw or {}) for name, raw in services.items()},
        "volumes": document.get("volumes") or {},
    }


def _check_keys(where: str, found: Mapping[str, Any], known: set[str]) -> None:
    unknown = set(found) - known
    if unknown:
        raise ComposeError(
            f"{where}: {sorted(unknown)} not understood by the smoke test; "
            "teach deploy/compose_smoke/compose_file.py before using them"
        )


def _healthcheck(name: str, raw: dict[str, Any] | None) -> Healthcheck | None:
    if not raw:
        return None
    _check_keys(f"services.{name}.healthcheck", raw, HEALTHCHECK_KEYS)
    if raw.get("disable"):
        return None
    test = raw["test"]
    if isinstance(test, str):
        test = ["CMD-SHELL", test]
    test = [str(part) for part in test]
    if test[0] == "NONE":
        return None
    if test[0] not in ("CMD", "CMD-SHELL") or (test[0] == "CMD-SHELL" and len(test) != 2):
        raise ComposeError(f"services.{name}.healthcheck.test: invalid form {test[:1]}")
    return Healthcheck(
        test=tuple(test),
        interval=parse_duration(raw.get("interval", DEFAULT_INTERVAL)),
        timeout=parse_duration(raw.get("timeout", DEFAULT_TIMEOUT)),
        retries=int(raw.get("retries", DEFAULT_RETRIES)),
        start_period=parse_duration(raw.get("start_period", 0)),
    )


def _port(name: str, spec: Any) -> PortMapping:
    parts = str(spec).split(":")
    if len(parts) != 2 or not all(part.isdigit() for part in parts):
        raise ComposeError(f"services.{name}.ports: only HOST:CONTAINER is understood, not {spec}")
    return PortMapping(host=int(parts[0]), container=int(parts[1]))


def _volume(name: str, spec: Any, declared: Mapping[str, Any]) -> VolumeMount:
    source, _, target = str(spec).partition(":")
    if source not in declared or not target or ":" in target:
        raise ComposeError(f"services.{name}.volumes: only named volumes are understood: {spec}")
    return VolumeMount(volume=source, target=target)


def _environment(name: str, raw: Mapping[str, Any]) -> dict[str, str]:
    passed_through = [key for key, value in raw.items() if value is None]
    if passed_through:
        raise ComposeError(f"services.{name}.environment: no value for {passed_through}")
    return {str(key): str(value) for key, value in raw.items()}


def _service(name: str, raw: dict[str, Any], project_dir: Path, volumes: Mapping) -> Service:
    _check_keys(f"services.{name}", raw, SERVICE_KEYS)
    build = None
    if "build" in raw:
        _check_keys(f"services.{name}.build", raw["build"], BUILD_KEYS)
        args = raw["build"].get("args") or {}
        build = Build(
            context=(project_dir / raw["build"].get("context", ".")).resolve(),
            dockerfile=raw["build"].get("dockerfile", "Dockerfile"),
            args=tuple(sorted((str(key), str(value)) for key, value in args.items())),
        )
    if build is None and not raw.get("image"):
        raise ComposeError(f"services.{name}: needs an image or a build")
    command = raw.get("command")
    if isinstance(command, str):
        command = shlex.split(command)
    depends_on = {}
    for dependency, options in (raw.get("depends_on") or {}).items():
        _check_keys(f"services.{name}.depends_on.{dependency}", options, {"condition"})
        condition = options.get("condition", "service_started")
        if condition not in DEPENDENCY_CONDITIONS:
            raise ComposeError(f"services.{name}.depends_on.{dependency}: unknown {condition}")
        depends_on[dependency] = condition
    return Service(
        name=name,
        image=raw.get("image"),
        build=build,
        command=tuple(str(part) for part in command) if command is not None else None,
        environment=_environment(name, raw.get("environment") or {}),
        depends_on=depends_on,
        healthcheck=_healthcheck(name, raw.get("healthcheck")),
        ports=[_port(name, spec) for spec in raw.get("ports") or []],
        volumes=[_volume(name, spec, volumes) for spec in raw.get("volumes") or []],
        restart=str(raw.get("restart", "no")),
    )


def load(files: list[Path], variables: Mapping[str, str]) -> Project:
    """The project described by `files` (the first one's folder is the project directory)."""
    merged: dict[str, Any] = {"services": {}, "volumes": {}}
    for path in files:
        merged = _merge(merged, _read(path))
    merged = _interpolate_tree(merged, variables)
    project_dir = files[0].resolve().parent
    services = {
        name: _service(name, raw, project_dir, merged["volumes"])
        for name, raw in merged["services"].items()
    }
    for service in services.values():
        for dependency in service.depends_on:
            if dependency not in services:
                raise ComposeError(f"services.{service.name}.depends_on: no service {dependency}")
    return Project(services=services, volumes=list(merged["volumes"]))
