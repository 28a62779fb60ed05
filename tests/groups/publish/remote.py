"""A second live server of this console, with its own SQLite database, organization and API
token: the Spot-compatible endpoint the first console (the test process) publishes to.

Also `Relay`, a loopback HTTP relay in front of it that can answer 429 with Retry-After, or
pass a request on and then drop the answer (a create whose answer was lost), and `Silent`, a
socket that accepts connections and never answers (a timeout).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
from spotinst_sdk2 import SpotinstSession

REPO = Path(__file__).resolve().parents[3]
START_TIMEOUT_SECONDS = 60.0


def remote_env(database: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("REDIS_URL", "DATABASE_URL", "CELERY_BROKER_URL", "CACHE_KEY_PREFIX")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="console.settings_test",
        DATABASE_URL=f"sqlite:///{database}",
        CELERY_BROKER_URL="memory://",
        # Its own cache namespace: its user ids are not the test process's.
        GALLERY_CONSOLE_TEST_RUN=f"remote-{uuid.uuid4().hex[:12]}",
        PYTHONUNBUFFERED="1",
    )
    return env


@dataclass
class RemoteConsole:
    url: str
    token: str
    account: str
    images_account: str
    import_account: str
    process: subprocess.Popen[str]
    lines: list[str] = field(default_factory=list)

    def session(self, account: str | None = None) -> SpotinstSession:
        return SpotinstSession(
            base_url=self.url, auth_token=self.token, account_id=account or self.account
        )

    def groups(self, account: str | None = None) -> Any:
        return self.session(account).client("elastigroup_azure_v3", print_output=False)

    def nodes(self, account: str | None = None) -> Any:
        return self.session(account).client("stateful_node_azure", print_output=False)

    def log(self) -> str:
        return "\n".join(self.lines[-40:])

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_remote(directory: Path) -> RemoteConsole:
    database = directory / "remote.sqlite3"
    env = remote_env(database)
    seeded = subprocess.run(
        [sys.executable, "-m", "tests.groups.publish.remote_seed"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if seeded.returncode != 0:
        raise AssertionError(f"seeding the remote console failed:\n{seeded.stderr[-3000:]}")
    facts = json.loads(seeded.stdout.strip().splitlines()[-1])
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "console.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--threads",
            "8",
        ],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    remote = RemoteConsole(
        url=f"http://127.0.0.1:{port}",
        token=facts["token"],
        account=facts["account"],
        images_account=facts["imagesAccount"],
        import_account=facts["importAccount"],
        process=process,
    )

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            remote.lines.append(line.rstrip())

    threading.Thread(target=read, daemon=True).start()
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the remote console exited:\n{remote.log()}")
        try:
            httpx.get(f"{remote.url}/healthz", timeout=5)
            return remote
        except httpx.TransportError:
            time.sleep(0.1)
    remote.stop()
    raise AssertionError(f"the remote console did not answer:\n{remote.log()}")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# --- a relay in front of the remote ------------------------------------------------------------

# Decides for each request: None to pass it on, or ("answer", status, headers, body), or
# ("drop",) to pass it on and close the connection without answering.
Rule = Callable[[str, str, int], tuple[Any, ...] | None]


class Relay:
    """An HTTP relay to `target` on a loopback port; `rule(method, path, n)` may intervene
    (n counts requests from 1). `seen` lists (method, path) of every request received."""

    def __init__(self, target: str, rule: Rule) -> None:
        self.target = target
        self.rule = rule
        self.seen: list[tuple[str, str, float]] = []
        relay = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                return

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                relay.seen.append((self.command, self.path, time.monotonic()))
                decision = relay.rule(self.command, self.path, len(relay.seen))
                if decision is not None and decision[0] == "answer":
                    _, status, headers, payload = decision
                    self.send_response(status)
                    for key, value in headers.items():
                        self.send_header(key, value)
                    data = json.dumps(payload).encode()
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                    return
                forwarded = httpx.request(
                    self.command,
                    relay.target + self.path,
                    content=body,
                    headers={
                        k: v
                        for k, v in self.headers.items()
                        if k.lower() not in ("host", "content-length", "connection")
                    },
                    timeout=30,
                )
                if decision is not None and decision[0] == "drop":
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                self.send_response(forwarded.status_code)
                self.send_header("Content-Type", forwarded.headers.get("content-type", ""))
                self.send_header("Content-Length", str(len(forwarded.content)))
                self.end_headers()
                self.wfile.write(forwarded.content)

            do_GET = do_POST = do_PUT = do_DELETE = _handle

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class Silent:
    """Accepts TCP connections on a loopback port and never answers."""

    def __init__(self) -> None:
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(16)
        self.url = f"http://127.0.0.1:{self.socket.getsockname()[1]}"
        self.accepted: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.socket.accept()
            except OSError:
                return
            self.accepted.append(connection)

    def close(self) -> None:
        for connection in self.accepted:
            connection.close()
        self.socket.close()
