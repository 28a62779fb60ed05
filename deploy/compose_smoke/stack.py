"""The compose stack in podman: the operator's .env, each service started in depends_on order
with its own health check run until it passes, one-shot services awaited, and everything torn
down again (leftovers of abandoned runs too)."""

from __future__ import annotations

import base64
import json
import os
import re
import secrets
import socket
import time
from pathlib import Path
from typing import Any

from deploy.compose_smoke.compose_file import Project, Service
from deploy.compose_smoke.podman import (
    Podman,
    SmokeFailure,
    say,
    without_noise,
)

RUN_LABEL = "io.gallery-console.compose-smoke"
RUN_NAME_PREFIX = "gcsmoke"
SITE_HOST = "console.example.com"
ONE_SHOT_PATIENCE_SECONDS = 300.0  # migrate


# --- The stack ----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def smoke_variables(web_port: int) -> dict[str, str]:
    """What an operator puts in .env (only these: nothing leaks in from the caller's shell)."""
    return {
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "FIELD_ENCRYPTION_KEY": base64.urlsafe_b64encode(os.urandom(32)).decode(),
        "POSTGRES_PASSWORD": secrets.token_urlsafe(24),
        "ALLOWED_HOSTS": SITE_HOST,
        "WEB_PORT": str(web_port),
    }


def _health_options(service: Service) -> list[str]:
    check = service.healthcheck
    if check is None:
        return ["--no-healthcheck"]
    if check.test[0] == "CMD":
        # Podman 4.3 mangles a JSON ["CMD", ...]; a plain JSON argv is taken as exactly that.
        command = json.dumps(list(check.test[1:]))
    else:
        command = json.dumps(list(check.test))
    return [
        "--health-cmd",
        command,
        "--health-interval",
        f"{check.interval}s",
        "--health-timeout",
        f"{check.timeout}s",
        "--health-retries",
        str(check.retries),
        "--health-start-period",
        f"{check.start_period}s",
    ]


class Stack:
    """One `docker compose up` of the project, named `name`; down() removes all of it."""

    def __init__(self, podman: Podman, project: Project, name: str, secrets_dir: Path) -> None:
        self.podman = podman
        self.project = project
        self.name = name
        self.secrets_dir = secrets_dir
        self.network = f"{name}_default"
        self.label = f"{RUN_LABEL}={name}"
        self.images: dict[str, str] = {}

    def container(self, service: str) -> str:
        return f"{self.name}-{service}-1"

    def build(self) -> None:
        built: dict[tuple[Any, ...], str] = {}
        for service in self.project.services.values():
            if service.build is None:
                continue
            key = (service.build, service.image)
            if key not in built:
                built[key] = self.podman.build(
                    tag=service.image or f"{self.name}-{service.name}",
                    containerfile=service.build.context / service.build.dockerfile,
                    context=service.build.context,
                    args=service.build.args,
                )
            self.images[service.name] = built[key]

    def up(self) -> None:
        self.podman.run("network", "create", "--label", self.label, self.network)
        for volume in self.project.volumes:
            self.podman.run("volume", "create", "--label", self.label, f"{self.name}_{volume}")
        for service in self.project.start_order():
            for dependency, condition in service.depends_on.items():
                self.wait_for(dependency, condition)
            self.start(service)

    def start(self, service: Service) -> None:
        env_file = self.secrets_dir / f"{service.name}.env"
        env_file.write_text("".join(f"{k}={v}\n" for k, v in service.environment.items()))
        options = [
            "--detach",
            "--name",
            self.container(service.name),
            "--label",
            self.label,
            "--network",
            self.network,
            "--network-alias",
            service.name,
            "--env-file",
            str(env_file),
            "--restart",
            service.restart,
            "--pull=never",
            *_health_options(service),
        ]
        for port in service.ports:
            options += ["--publish", f"{port.host}:{port.container}"]
        for mount in service.volumes:
            options += ["--volume", f"{self.name}_{mount.volume}:{mount.target}"]
        image = self.images.get(service.name) or service.image
        assert image is not None
        self.podman.run("run", *options, image, *(service.command or ()))
        say(f"started {service.name}")

    def state(self, service: str) -> tuple[str, int]:
        result = self.podman.run(
            "inspect", "--format", "{{.State.Status}} {{.State.ExitCode}}", self.container(service)
        )
        status, exit_code = result.stdout.split()
        return status, int(exit_code)

    def wait_for(self, service: str, condition: str) -> None:
        if condition == "service_started":
            return
        if condition == "service_completed_successfully":
            exit_code = self.podman.run(
                "wait", self.container(service), timeout=ONE_SHOT_PATIENCE_SECONDS
            ).stdout.strip()
            if exit_code != "0":
                raise SmokeFailure(f"{service} exited with {exit_code}")
            return
        self.wait_healthy(service)

    def wait_healthy(self, service: str) -> None:
        check = self.project.services[service].healthcheck
        if check is None:
            raise SmokeFailure(f"{service} is waited on as healthy but has no health check")
        deadline = time.monotonic() + check.patience
        while True:
            status, exit_code = self.state(service)
            if status != "running":
                raise SmokeFailure(f"{service} stopped ({status}, exit code {exit_code})")
            result = self.podman.run(
                "healthcheck",
                "run",
                self.container(service),
                check=False,
                timeout=check.timeout + 5,
            )
            if result.returncode == 0:
                say(f"{service} is healthy")
                return
            if time.monotonic() > deadline:
                raise SmokeFailure(
                    f"{service} still unhealthy after {check.patience:.0f} s: "
                    + self.last_health_output(service)
                )
            time.sleep(1)

    def last_health_output(self, service: str) -> str:
        result = self.podman.run(
            "inspect", "--format", "{{json .State.Health}}", self.container(service), check=False
        )
        try:
            log = json.loads(result.stdout).get("Log") or [{}]
        except json.JSONDecodeError:
            return result.stdout.strip()
        return str(log[-1].get("Output", "")).strip() or "(no output)"

    def wait_all_healthy(self) -> None:
        for service in self.project.services.values():
            if service.healthcheck is not None:
                self.wait_healthy(service.name)

    def exec(self, service: str, *command: str, env: dict[str, str] | None = None) -> str:
        env_options = [
            part for key, value in (env or {}).items() for part in ("-e", f"{key}={value}")
        ]
        return self.podman.run("exec", *env_options, self.container(service), *command).stdout

    def show_logs(self) -> None:
        for service in self.project.services:
            result = self.podman.run("logs", "--tail", "40", self.container(service), check=False)
            output = without_noise(result.stdout + result.stderr).strip()
            print(f"--- {service} (last 40 lines) ---\n{output or '(nothing)'}", flush=True)

    def down_command(self) -> str:
        return (
            f"podman rm -f $(podman ps -aq --filter label={self.label}); "
            f"podman network rm {self.network}; podman volume rm "
            + " ".join(f"{self.name}_{volume}" for volume in self.project.volumes)
        )

    def down(self) -> None:
        containers = self.podman.run(
            "ps", "--all", "--quiet", "--filter", f"label={self.label}", check=False
        ).stdout.split()
        if containers:
            self.podman.run("rm", "--force", "--time", "10", *containers, check=False)
        self.podman.run("network", "rm", "--force", self.network, check=False)
        for volume in self.project.volumes:
            self.podman.run("volume", "rm", "--force", f"{self.name}_{volume}", check=False)


def remove_abandoned_runs(podman: Podman) -> None:
    """Remove what runs killed outright (no teardown) left behind: their process is gone."""
    listings = {
        "containers": ("ps", "--all", "--format", "{{.Names}}"),
        "networks": ("network", "ls", "--format", "{{.Name}}"),
        "volumes": ("volume", "ls", "--format", "{{.Name}}"),
    }
    found: dict[str, list[str]] = {}
    abandoned: set[str] = set()
    for kind, listing in listings.items():
        names = podman.run(*listing, "--filter", f"label={RUN_LABEL}", check=False).stdout
        found[kind] = []
        for name in names.split():
            run = re.match(rf"{RUN_NAME_PREFIX}(\d+)[-_]", name)
            if run and not Path(f"/proc/{run.group(1)}").exists():
                found[kind].append(name)
                abandoned.add(run.group(1))
    if not abandoned:
        return
    say(f"removing what killed runs (process ids {', '.join(sorted(abandoned))}) left behind")
    if found["containers"]:
        podman.run("rm", "--force", "--time", "0", *found["containers"], check=False)
    for name in found["networks"]:
        podman.run("network", "rm", "--force", name, check=False)
    for name in found["volumes"]:
        podman.run("volume", "rm", "--force", name, check=False)
