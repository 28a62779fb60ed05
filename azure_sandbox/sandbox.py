"""The in-process API: ``Sandbox(world, state_dir, port=0)`` runs the server in a background thread.

with Sandbox() as sandbox:                      # default world, temp state dir, free port
    credential = sandbox.credential("Production")
    client = ComputeManagementClient(credential, sub_id, **sandbox.client_kwargs())
"""

from __future__ import annotations

import json
import shutil
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any

from azure_sandbox.certs import CA_CERT_FILE, issue_server_certificate
from azure_sandbox.control import PREFIX
from azure_sandbox.dispatch import Dispatcher
from azure_sandbox.faults import FaultRule, FaultSet
from azure_sandbox.graph_journal import GraphJournal
from azure_sandbox.identity import TokenIssuer, load_signing_key
from azure_sandbox.request_log import RequestLog
from azure_sandbox.server import SandboxHTTPServer
from azure_sandbox.throttle import GraphQuota, Throttler
from azure_sandbox.world import Principal, World
from azure_sandbox.worldgen import default_world

CONNECTION_FILE = "connection.json"


class Sandbox:
    def __init__(
        self,
        world: World | None = None,
        state_dir: str | Path | None = None,
        port: int = 0,
        host: str = "127.0.0.1",
        *,
        world_factory: Callable[[], World] | None = None,
    ) -> None:
        """``world`` is copied (the caller's object is never changed); or ``world_factory``
        builds the world now and again on every ``reset()`` (no copy kept: for large worlds).
        """
        if world_factory is not None:
            if world is not None:
                raise ValueError("give a world or a world_factory, not both")
            self._initial_world: bytes | Callable[[], World] = world_factory
            self.world: World = world_factory()
        else:
            self._initial_world = (world or default_world()).to_bytes()  # pristine, for reset()
            self.world = World.from_bytes(self._initial_world)
        self._owns_state_dir = state_dir is None
        self.state_dir = Path(state_dir or tempfile.mkdtemp(prefix="azure-sandbox-")).resolve()
        self.state_dir.mkdir(parents=True, exist_ok=True)
        self.host, self.requested_port = host, port
        self.faults = FaultSet([FaultRule.from_dict(f) for f in self.world.faults])
        self.request_log = RequestLog()
        self.throttler = Throttler()
        self.graph_quota = GraphQuota()
        self.graph_journal = GraphJournal()
        self.token_issuer = TokenIssuer(load_signing_key(self.state_dir))
        self.write_lock = threading.Lock()
        self.stopping = threading.Event()
        self._server: SandboxHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle -----------------------------------------------------------------
    def start(self) -> Sandbox:
        if self._server is not None:
            return self
        cert_file, key_file = issue_server_certificate(self.state_dir)
        self.stopping.clear()
        self._server = SandboxHTTPServer(
            (self.host, self.requested_port), Dispatcher(self), cert_file, key_file
        )
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.1},
            name="azure-sandbox", daemon=True,
        )  # fmt: skip
        self._thread.start()
        self.connection_file.write_text(json.dumps(self.connection, indent=2))
        self.connection_file.chmod(0o600)  # it holds the (sandbox-only) client secrets
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        self.stopping.set()  # wakes threads sleeping on latency or hang faults
        server.shutdown()
        server.server_close()
        server.close_open_connections()
        if self._thread is not None:
            self._thread.join(timeout=5)
        if self._owns_state_dir:
            shutil.rmtree(self.state_dir, ignore_errors=True)

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def reset(self, world: World | None = None) -> None:
        """Start over with ``world`` (default: a copy of the world given at construction).

        Clears faults (re-arming the world's own), throttle buckets and the request log.
        """
        with self.write_lock:
            if world is not None:
                self.world = world
            elif isinstance(self._initial_world, bytes):
                self.world = World.from_bytes(self._initial_world)
            else:
                self.world = self._initial_world()
        self.faults.clear()
        for rule in self.world.faults:
            self.faults.add(FaultRule.from_dict(rule))
        self.throttler.reset()
        self.graph_quota.reset()
        self.graph_journal.clear()
        self.request_log.clear()

    # --- addresses -------------------------------------------------------------------
    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the sandbox is not running")
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        return f"https://{self.host}:{self.port}"

    @property
    def ca_file(self) -> Path:
        return self.state_dir / CA_CERT_FILE

    @property
    def control_url(self) -> str:
        return f"{self.base_url}{PREFIX}"

    @property
    def connection_file(self) -> Path:
        return self.state_dir / CONNECTION_FILE

    @property
    def connection(self) -> dict[str, Any]:
        """Endpoints, CA file, tenants, principals (with secrets) and subscriptions for clients."""
        world = self.world
        return {
            "arm_base_url": self.base_url,
            "authority_host": self.base_url,
            "ca_file": str(self.ca_file),
            "control_url": self.control_url,
            "tenants": [{"id": t.id, "name": t.name} for t in world.tenants],
            "principals": [
                {
                    "name": p.name,
                    "tenant_id": p.tenant_id,
                    "client_id": p.client_id,
                    "client_secret": p.client_secret,
                }
                for p in world.principals
            ],
            "subscriptions": [
                {
                    "id": s.id,
                    "display_name": s.display_name,
                    "tenant_id": s.tenant_id,
                    "principal_client_id": s.principal_client_id,
                }
                for s in world.subscriptions.values()
            ],
        }

    # --- client helpers (azure-identity is imported lazily) --------------------------------
    def principal(self, who: str) -> Principal:
        """A principal by name, client id, or the display name of the subscription it belongs to."""
        world = self.world
        sub = world.subscription_named(who)
        if sub is not None and sub.principal_client_id:
            who = sub.principal_client_id
        found = world.principal(who) or world.principal_named(who)
        if found is None:
            raise KeyError(f"no principal or subscription named {who!r}")
        return found

    def credential_kwargs(self) -> dict[str, Any]:
        return {
            "authority": self.base_url,
            "disable_instance_discovery": True,
            "connection_verify": str(self.ca_file),
        }

    def client_kwargs(self) -> dict[str, Any]:
        return {"base_url": self.base_url, "connection_verify": str(self.ca_file)}

    def credential(self, who: str, **kwargs: Any) -> Any:
        """A real ``ClientSecretCredential`` for a principal (see ``principal()``)."""
        # azure-identity is the tests' and benchmarks' dependency, not the sandbox's own.
        from azure.identity import ClientSecretCredential

        principal = self.principal(who)
        options = {**self.credential_kwargs(), **kwargs}
        return ClientSecretCredential(
            principal.tenant_id, principal.client_id, principal.client_secret, **options
        )
