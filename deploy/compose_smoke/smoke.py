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
import http.client
import json
import os
import re
import secrets
import signal
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urljoin, urlsplit

from deploy.compose_smoke import compose_file
from deploy.compose_smoke.podman import (
    HERE,
    PROJECT_DIR,
    WORK_DIR,
    Podman,
    SmokeFailure,
    Timings,
    ensure_local_images,
    ensure_system_packages,
    say,
)
from deploy.compose_smoke.stack import (
    RUN_NAME_PREFIX,
    SITE_HOST,
    Stack,
    free_port,
    remove_abandoned_runs,
    smoke_variables,
)

COMPOSE_FILES = [PROJECT_DIR / "docker-compose.yml", HERE / "compose.smoke.yml"]


SMOKE_USERNAME = "smoke-admin"
SMOKE_ORGANIZATION = "Smoke Test"
SMOKE_ACCOUNT = "Production"
HEALTHZ_PATIENCE_SECONDS = 180.0
HTTP_TIMEOUT_SECONDS = 15.0


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
