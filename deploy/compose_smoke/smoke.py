"""`make compose-smoke`: run docker-compose.yml's stack in podman and use it as a user would.

Services, commands, environment, health checks, ports, volumes and depends_on conditions are read
from docker-compose.yml itself (compose_file.py); compose.smoke.yml only swaps the public base
images for local Debian ones, as no image registry is reachable here. Phases, each timed:

  local images  Debian bookworm from debootstrap, imported once into podman's store (the cache),
                then Python, PostgreSQL and Redis images built on it (podman's layer cache)
  build         the app image from the Dockerfile, as `docker compose build` does
  up            every service in depends_on order, each dependency's condition awaited
  healthy       every service's own health check passes (as `docker compose up --wait`)
  /healthz      database, broker, worker heartbeat and beat heartbeat all "ok"
  sign in       a user made with manage.py in the web container signs in through the login form
  editor        the new stateless group page answers 200, with every asset it links (and their
                source maps) served by whitenoise from the collected, hashed static files
  down          containers, network and volumes removed, on failure too

Podman's health checks need systemd timers, which this machine lacks, so this runs each check
itself (`podman healthcheck run`) until it passes or Compose's own patience runs out.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urljoin, urlsplit

from deploy.compose_smoke import compose_file
from deploy.compose_smoke.compose_file import Project, Service

HERE = Path(__file__).resolve().parent
PROJECT_DIR = HERE.parents[1]
COMPOSE_FILES = [PROJECT_DIR / "docker-compose.yml", HERE / "compose.smoke.yml"]
CONTAINERS_CONF = HERE / "containers.conf"
WORK_DIR = PROJECT_DIR / "var" / "compose-smoke"

IMAGE_PREFIX = "localhost/gallery-console-smoke"
DEBIAN_SUITE = "bookworm"
DEBIAN_MIRROR = os.environ.get("DEBIAN_MIRROR", "http://deb.debian.org/debian")
DEBIAN_SECURITY_MIRROR = os.environ.get(
    "DEBIAN_SECURITY_MIRROR", "http://deb.debian.org/debian-security"
)
# Certificates this machine trusts beyond Debian's (a TLS-inspecting egress proxy, say): the
# images need them to reach PyPI the way the host does.
EXTRA_CA_DIR = Path("/usr/local/share/ca-certificates")
LOCAL_IMAGES = {
    # tag under IMAGE_PREFIX: Containerfile in images/
    "python:3.11": "python.Containerfile",
    "postgres:15": "postgres.Containerfile",
    "redis:7": "redis.Containerfile",
}
SYSTEM_PACKAGES = {"podman": "podman", "runc": "runc", "debootstrap": "debootstrap"}

# Every container, network and volume of a run carries RUN_LABEL=gcsmoke<pid of the run>.
RUN_LABEL = "io.gallery-console.compose-smoke"
RUN_NAME_PREFIX = "gcsmoke"

SITE_HOST = "console.example.com"
SMOKE_USERNAME = "smoke-admin"
SMOKE_ORGANIZATION = "Smoke Test"
SMOKE_ACCOUNT = "Production"
HEALTHZ_PATIENCE_SECONDS = 180.0
HTTP_TIMEOUT_SECONDS = 15.0
ONE_SHOT_PATIENCE_SECONDS = 300.0  # migrate


class SmokeFailure(Exception):
    """What a user of `docker compose up` would have run into."""


# --- Output and timing --------------------------------------------------------------------------


def say(message: str) -> None:
    print(f"[compose-smoke] {message}", flush=True)


@dataclass
class Timings:
    phases: list[tuple[str, float]] = field(default_factory=list)

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        say(f"{name} …")
        started = time.monotonic()
        try:
            yield
        finally:
            elapsed = time.monotonic() - started
            self.phases.append((name, elapsed))
            say(f"{name}: {elapsed:.1f} s")

    def report(self) -> str:
        width = max(len(name) for name, _ in self.phases)
        lines = [f"  {name:<{width}}  {seconds:7.1f} s" for name, seconds in self.phases]
        total = sum(seconds for _, seconds in self.phases)
        return "\n".join([*lines, f"  {'total':<{width}}  {total:7.1f} s"])


# --- Podman -------------------------------------------------------------------------------------

# Podman without systemd says so on every container start; it is expected here (see above).
_PODMAN_NOISE = re.compile(r"unable to get systemd connection|failed to connect to syslog")


class Podman:
    def __init__(self, log_path: Path) -> None:
        self.env = {**os.environ, "CONTAINERS_CONF": str(CONTAINERS_CONF)}
        self.log_path = log_path

    def run(
        self, *args: str, check: bool = True, timeout: float | None = None
    ) -> subprocess.CompletedProcess[str]:
        try:
            result = subprocess.run(
                ["podman", *args],
                env=self.env,
                capture_output=True,
                text=True,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise SmokeFailure(
                f"podman {' '.join(args[:3])} … still running after {timeout} s"
            ) from exc
        if check and result.returncode != 0:
            raise SmokeFailure(
                f"podman {' '.join(args[:3])} … failed ({result.returncode}):\n"
                + _without_noise(result.stderr or result.stdout)
            )
        return result

    def logged(self, *args: str, what: str) -> None:
        """A long step (builds): output to the log file, its tail shown if it fails."""
        with self.log_path.open("a") as log:
            log.write(f"\n$ podman {' '.join(args)}\n")
            log.flush()
            result = subprocess.run(
                ["podman", *args],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                check=False,
            )
        if result.returncode != 0:
            tail = self.log_path.read_text().splitlines()[-60:]
            raise SmokeFailure(f"{what} failed; the end of {self.log_path}:\n" + "\n".join(tail))

    def image_exists(self, reference: str) -> bool:
        return self.run("image", "exists", reference, check=False).returncode == 0

    def build(
        self, *, tag: str, containerfile: Path, context: Path, args: Sequence[tuple[str, str]]
    ) -> str:
        """Build (reusing cached layers) and return the image id; the image it replaces under
        `tag` is removed, so that repeated runs do not fill the disk."""
        previous = self.image_id(tag)
        with tempfile.TemporaryDirectory() as scratch:
            iidfile = Path(scratch) / "iid"
            build_args = [part for key, value in args for part in ("--build-arg", f"{key}={value}")]
            self.logged(
                "build",
                "--layers",
                "--pull=never",
                "--iidfile",
                str(iidfile),
                "--tag",
                tag,
                "--file",
                str(containerfile),
                *build_args,
                str(context),
                what=f"building {tag}",
            )
            image_id = iidfile.read_text().strip().removeprefix("sha256:")
        if previous and previous != image_id:
            # Refused (harmlessly) while a container, say of a parallel run, still uses it.
            self.run("rmi", previous, check=False)
        return image_id

    def image_id(self, reference: str) -> str | None:
        result = self.run("image", "inspect", "--format", "{{.Id}}", reference, check=False)
        return result.stdout.strip() if result.returncode == 0 else None


def _without_noise(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not _PODMAN_NOISE.search(line))


def ensure_system_packages() -> None:
    missing = [package for command, package in SYSTEM_PACKAGES.items() if not shutil.which(command)]
    if not missing:
        return
    if os.geteuid() != 0:
        raise SmokeFailure(f"needs {', '.join(missing)}: sudo apt-get install {' '.join(missing)}")
    say(f"installing {', '.join(missing)} with apt-get")
    apt_env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for apt_command in (["update", "-qq"], ["install", "-y", "-qq", *missing]):
        subprocess.run(
            ["apt-get", *apt_command], env=apt_env, stdout=subprocess.DEVNULL, check=True
        )


# --- Local images (no registry here) ------------------------------------------------------------


def _debian_recipe() -> str:
    """Everything the base image depends on, so that a change of any of it rebuilds it."""
    certificates = sorted(EXTRA_CA_DIR.glob("*.crt")) if EXTRA_CA_DIR.is_dir() else []
    parts = [DEBIAN_SUITE, DEBIAN_MIRROR, DEBIAN_SECURITY_MIRROR, _sources_list()]
    parts += [path.read_text() for path in certificates]
    return "\n".join(parts)


def _sources_list() -> str:
    return (
        f"deb {DEBIAN_MIRROR} {DEBIAN_SUITE} main\n"
        f"deb {DEBIAN_MIRROR} {DEBIAN_SUITE}-updates main\n"
        f"deb {DEBIAN_SECURITY_MIRROR} {DEBIAN_SUITE}-security main\n"
    )


def ensure_debian_image(podman: Podman) -> str:
    recipe_hash = hashlib.sha256(_debian_recipe().encode()).hexdigest()[:12]
    tag = f"{IMAGE_PREFIX}/debian:{DEBIAN_SUITE}-{recipe_hash}"
    if podman.image_exists(tag):
        say(f"reusing {tag}")
        return tag
    say(f"debootstrap {DEBIAN_SUITE} (once; kept in podman's store as {tag})")
    WORK_DIR.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=WORK_DIR, prefix="rootfs-") as scratch:
        rootfs = Path(scratch) / "rootfs"
        with podman.log_path.open("a") as log:
            result = subprocess.run(
                [
                    "debootstrap",
                    "--variant=minbase",
                    "--include=ca-certificates",
                    DEBIAN_SUITE,
                    str(rootfs),
                    DEBIAN_MIRROR,
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
                check=False,
            )
        if result.returncode != 0:
            raise SmokeFailure(f"debootstrap failed; see {podman.log_path}")
        (rootfs / "etc/apt/sources.list").write_text(_sources_list())
        if EXTRA_CA_DIR.is_dir():
            for certificate in EXTRA_CA_DIR.glob("*.crt"):
                shutil.copy(certificate, rootfs / "usr/local/share/ca-certificates")
            subprocess.run(
                ["chroot", str(rootfs), "update-ca-certificates"],
                stdout=subprocess.DEVNULL,
                check=True,
            )
        shutil.rmtree(rootfs / "var/cache/apt/archives", ignore_errors=True)
        tar = subprocess.Popen(["tar", "-C", str(rootfs), "-c", "."], stdout=subprocess.PIPE)
        imported = subprocess.run(
            ["podman", "import", "--change", 'CMD ["/bin/bash"]', "-", tag],
            stdin=tar.stdout,
            env=podman.env,
            capture_output=True,
            text=True,
            check=False,
        )
        tar.wait()
        if imported.returncode != 0 or tar.returncode != 0:
            raise SmokeFailure(f"podman import failed: {_without_noise(imported.stderr)}")
    outdated = podman.run(
        "images", "--format", "{{.Repository}}:{{.Tag}}", f"{IMAGE_PREFIX}/debian", check=False
    ).stdout.split()
    for old_tag in outdated:
        if old_tag != tag:
            podman.run("rmi", old_tag, check=False)
    return tag


def ensure_local_images(podman: Podman) -> None:
    debian = ensure_debian_image(podman)
    for tag, containerfile in LOCAL_IMAGES.items():
        podman.build(
            tag=f"{IMAGE_PREFIX}/{tag}",
            containerfile=HERE / "images" / containerfile,
            context=HERE / "images",
            args=[("DEBIAN_IMAGE", debian)],
        )


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
            output = _without_noise(result.stdout + result.stderr).strip()
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


# --- A user's visit -----------------------------------------------------------------------------


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


class Visitor:
    """A browser behind the TLS-terminating proxy that docker-compose.yml expects in front of web:
    it talks plain HTTP to the published port and says https in X-Forwarded-Proto."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}
        self.set_cookie_headers: list[str] = []

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> Response:
        headers = {"Host": SITE_HOST, "X-Forwarded-Proto": "https"}
        body = None
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if form is not None:
            body = urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = f"https://{SITE_HOST}"
            headers["Referer"] = f"https://{SITE_HOST}{path}"
        connection = http.client.HTTPConnection(
            "127.0.0.1", self.port, timeout=HTTP_TIMEOUT_SECONDS
        )
        try:
            connection.request(method, path, body=body, headers=headers)
            raw = connection.getresponse()
            response = Response(raw.status, raw.headers, raw.read())
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            self.set_cookie_headers.append(header)
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response

    def get(self, path: str) -> Response:
        return self.request("GET", path)


def wait_for_green_healthz(visitor: Visitor) -> dict[str, Any]:
    deadline = time.monotonic() + HEALTHZ_PATIENCE_SECONDS
    last: Any = None
    while time.monotonic() < deadline:
        try:
            response = visitor.get("/healthz")
            last = json.loads(response.body)
            if response.status == 200 and all(
                check["status"] == "ok" for check in last["checks"].values()
            ):
                return last
        except (OSError, ValueError, KeyError) as exc:
            last = repr(exc)
        time.sleep(2)
    raise SmokeFailure(f"/healthz not all green after {HEALTHZ_PATIENCE_SECONDS:.0f} s: {last}")


def create_user(stack: Stack) -> str:
    password = secrets.token_urlsafe(18)
    stack.exec(
        "web",
        "python",
        "manage.py",
        "createsuperuser",
        "--noinput",
        "--username",
        SMOKE_USERNAME,
        "--email",
        "smoke@example.com",
        env={"DJANGO_SUPERUSER_PASSWORD": password},
    )
    stack.exec(
        "web",
        "python",
        "manage.py",
        "create_organization",
        SMOKE_ORGANIZATION,
        "--admin",
        SMOKE_USERNAME,
        "--account",
        SMOKE_ACCOUNT,
    )
    return password


def sign_in(visitor: Visitor, password: str) -> None:
    login_page = visitor.get("/login/")
    if login_page.status != 200:
        raise SmokeFailure(f"/login/ answered {login_page.status}")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login_page.text)
    if token is None:
        raise SmokeFailure("/login/ has no CSRF token in its form")
    answer = visitor.request(
        "POST",
        "/login/",
        {"csrfmiddlewaretoken": token.group(1), "username": SMOKE_USERNAME, "password": password},
    )
    if answer.status != 302:
        raise SmokeFailure(
            f"signing in answered {answer.status}, not a redirect:\n{answer.text[:2000]}"
        )
    if "sessionid" not in visitor.cookies:
        raise SmokeFailure("signing in set no session cookie")
    session_cookie = next(h for h in visitor.set_cookie_headers if h.startswith("sessionid="))
    if "secure" not in session_cookie.lower():
        raise SmokeFailure(f"the session cookie is not Secure: {session_cookie}")


_ASSET = re.compile(r'(?:src|href)="(/static/[^"]+)"')
_SOURCE_MAP = re.compile(rb"sourceMappingURL=([^\s*]+)")
_HASHED_NAME = re.compile(r"\.[0-9a-f]{12}\.[a-z0-9]+$")


def open_editor(visitor: Visitor) -> list[str]:
    page = visitor.get("/groups/new/")
    if page.status != 200:
        raise SmokeFailure(f"/groups/new/ answered {page.status}:\n{page.text[:2000]}")
    if f"in account {SMOKE_ACCOUNT}" not in page.text or 'name="name"' not in page.text:
        raise SmokeFailure("/groups/new/ is not the new group editor:\n" + page.text[:2000])
    assets = sorted(set(_ASSET.findall(page.text)))
    if len(assets) < 5:
        raise SmokeFailure(f"/groups/new/ links too few static files: {assets}")
    fetched = []
    for asset in assets:
        fetched += fetch_asset(visitor, asset)
    return fetched


def fetch_asset(visitor: Visitor, path: str) -> list[str]:
    if not _HASHED_NAME.search(urlsplit(path).path):
        raise SmokeFailure(f"{path} is not a hashed name: collectstatic's manifest was not used")
    response = visitor.get(path)
    if response.status != 200 or not response.body:
        raise SmokeFailure(f"{path} answered {response.status} ({len(response.body)} bytes)")
    fetched = [path]
    if path.endswith((".css", ".js")):
        for source_map in _SOURCE_MAP.findall(response.body):
            map_path = urljoin(path, source_map.decode())
            answer = visitor.get(map_path)
            if answer.status != 200:
                raise SmokeFailure(f"{path} points to {map_path}, which answered {answer.status}")
            fetched.append(map_path)
    return fetched


# --- Main ---------------------------------------------------------------------------------------


def run(args: argparse.Namespace) -> Timings:
    timings = Timings()
    run_name = f"{RUN_NAME_PREFIX}{os.getpid()}"
    WORK_DIR.mkdir(parents=True, exist_ok=True)
    podman = Podman(WORK_DIR / f"{run_name}.log")
    with timings.phase("system packages"):
        ensure_system_packages()
    with timings.phase("local images"):
        remove_abandoned_runs(podman)
        ensure_local_images(podman)
    web_port = args.web_port or free_port()
    project = compose_file.load(COMPOSE_FILES, smoke_variables(web_port))
    with tempfile.TemporaryDirectory(prefix=f"{run_name}-env-") as secrets_dir:
        stack = Stack(podman, project, run_name, Path(secrets_dir))
        try:
            with timings.phase("build"):
                stack.build()
            with timings.phase("up"):
                stack.up()
            with timings.phase("healthy"):
                stack.wait_all_healthy()
            visitor = Visitor(web_port)
            with timings.phase("/healthz green"):
                health = wait_for_green_healthz(visitor)
                say(f"/healthz: {json.dumps(health['checks'])}")
            with timings.phase("sign in"):
                sign_in(visitor, create_user(stack))
            with timings.phase("editor"):
                fetched = open_editor(visitor)
                say(f"/groups/new/ 200 with {len(fetched)} static files: {', '.join(fetched)}")
        except BaseException:
            stack.show_logs()
            raise
        finally:
            if args.keep:
                say(f"left running (--keep); remove with: {stack.down_command()}")
            else:
                with timings.phase("down"):
                    stack.down()
    podman.log_path.unlink(missing_ok=True)  # kept only when the run fails
    return timings


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make compose-smoke", description=__doc__.split("\n")[0])
    parser.add_argument("--web-port", type=int, help="host port for web (default: a free one)")
    parser.add_argument(
        "--keep", action="store_true", help="leave the stack running at the end, to look into it"
    )
    args = parser.parse_args(argv)
    # `kill` or a CI timeout ends the run through the same teardown as a failure.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    started = time.monotonic()
    try:
        timings = run(args)
    except (SmokeFailure, compose_file.ComposeError) as failure:
        say(f"FAILED after {time.monotonic() - started:.0f} s: {failure}")
        return 1
    say("passed: the compose stack builds, starts, reports healthy and serves a signed-in user")
    print(timings.report(), flush=True)
    return 0
