"""HTTPS transport: a threading HTTP/1.1 keep-alive server on the stdlib.

One thread per connection, so injected latency or hangs block only their own
connection. TLS is negotiated in the connection's thread (not in accept), and
each response is written with a single send to avoid Nagle/delayed-ACK stalls.
"""

from __future__ import annotations

import contextlib
import socket
import ssl
import struct
import threading
import uuid
from email.utils import formatdate
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from azure_sandbox.dispatch import Dispatcher
from azure_sandbox.messages import AbortConnection, Request, Response

_LOOPBACK = {"127.0.0.1", "::1"}
_IDLE_TIMEOUT_SECONDS = 300
_HANDSHAKE_TIMEOUT_SECONDS = 10


class SandboxHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 1024  # many clients open connections at once in refresh benchmarks

    def __init__(
        self, address: tuple[str, int], dispatcher: Dispatcher, cert_file: Path, key_file: Path
    ) -> None:
        self.dispatcher = dispatcher
        self.ssl_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.ssl_context.load_cert_chain(cert_file, key_file)
        self.open_connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()
        super().__init__(address, _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # clients dropping connections and failed handshakes are routine here

    def close_open_connections(self) -> None:
        with self.connections_lock:
            connections = list(self.open_connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server: SandboxHTTPServer

    def setup(self) -> None:
        raw: socket.socket = self.request
        raw.settimeout(_HANDSHAKE_TIMEOUT_SECONDS)
        self.request = self.server.ssl_context.wrap_socket(raw, server_side=True)
        self.request.settimeout(_IDLE_TIMEOUT_SECONDS)
        with self.server.connections_lock:
            self.server.open_connections.add(self.request)
        super().setup()

    def finish(self) -> None:
        try:
            super().finish()
        except OSError:
            pass
        finally:
            with self.server.connections_lock:
                self.server.open_connections.discard(self.request)
            self.request.close()

    def log_message(self, format: str, *args: Any) -> None:
        pass  # never print request lines: they would be noise, and must never carry secrets

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if self.client_address[0] not in _LOOPBACK and self.path.lower().startswith("/_sandbox"):
            self._send(
                Response.json(403, {"error": {"code": "Forbidden", "message": "loopback only"}})
            )
            return
        parts = urlsplit(self.path)
        query: dict[str, str] = {}
        for key, value in parse_qsl(parts.query, keep_blank_values=True):
            query.setdefault(key.lower(), value)
        host = self.headers.get("Host") or f"127.0.0.1:{self.server.server_address[1]}"
        request = Request(
            method=self.command,
            path=unquote(parts.path),
            query=query,
            headers={k.lower(): v for k, v in self.headers.items()},
            body=body,
            base_url=f"https://{host}",
        )
        try:
            response = self.server.dispatcher.handle(request)
        except AbortConnection as abort:
            self._abort(abort.reset)
            return
        self._send(response)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _serve

    def _send(self, response: Response) -> None:
        reason = (
            HTTPStatus(response.status).phrase
            if response.status in HTTPStatus._value2member_map_
            else ""
        )
        request_id = str(uuid.uuid4())
        lines = [
            f"HTTP/1.1 {response.status} {reason}",
            f"Date: {formatdate(usegmt=True)}",
            f"Content-Length: {len(response.body)}",
            "Cache-Control: no-cache",
            f"x-ms-request-id: {request_id}",
            f"x-ms-correlation-request-id: {request_id}",
        ]
        lines += [f"{name}: {value}" for name, value in response.headers.items()]
        if self.close_connection:
            lines.append("Connection: close")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        self.wfile.write(head + response.body)

    def _abort(self, reset: bool) -> None:
        """Drop the connection without answering; with ``reset`` the peer sees a TCP RST."""
        self.close_connection = True
        if reset:
            self.request.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.request.close()
