"""``python -m azure_sandbox serve`` as a subprocess: connection.json, SDK, SIGTERM, CA reuse."""

from __future__ import annotations

import json
import signal
import ssl
import subprocess
import sys
from pathlib import Path

import httpx
from azure.identity import ClientSecretCredential
from azure.mgmt.compute import ComputeManagementClient
from azure.mgmt.resourcegraph import ResourceGraphClient
from azure.mgmt.resourcegraph.models import QueryRequest

REPO_ROOT = Path(__file__).resolve().parents[2]


def _start(state_dir: Path, *extra: str) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "azure_sandbox",
            "serve",
            "--port",
            "0",
            "--state-dir",
            str(state_dir),
            *extra,
        ],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    ready_line = process.stdout.readline()
    assert "https://127.0.0.1:" in ready_line, process.stderr.read() if process.stderr else ""
    return process, ready_line


def _stop(process: subprocess.Popen[str]) -> int:
    process.send_signal(signal.SIGTERM)
    return process.wait(timeout=10)


def test_cli_serves_writes_connection_json_and_stops_on_sigterm(tmp_path: Path) -> None:
    state_dir = tmp_path / "state"
    process, ready_line = _start(state_dir)
    try:
        connection = json.loads((state_dir / "connection.json").read_text())
        assert connection["arm_base_url"] in ready_line
        assert connection["authority_host"] == connection["arm_base_url"]
        assert connection["control_url"].startswith(connection["arm_base_url"])
        assert Path(connection["ca_file"]).is_absolute()
        assert [t.keys() for t in connection["tenants"]] == [{"id", "name"}]
        subscription = next(
            s for s in connection["subscriptions"] if s["display_name"] == "Shared Images"
        )
        principal = next(
            p
            for p in connection["principals"]
            if p["client_id"] == subscription["principal_client_id"]
        )
        credential = ClientSecretCredential(
            principal["tenant_id"],
            principal["client_id"],
            principal["client_secret"],
            authority=connection["authority_host"],
            disable_instance_discovery=True,
            connection_verify=connection["ca_file"],
        )
        client = ComputeManagementClient(
            credential,
            subscription["id"],
            base_url=connection["arm_base_url"],
            connection_verify=connection["ca_file"],
        )
        assert len(list(client.galleries.list())) == 3
        first_ca = Path(connection["ca_file"]).read_bytes()
    finally:
        return_code = _stop(process)
    assert return_code == 0

    second, _ = _start(state_dir)
    try:
        assert Path(connection["ca_file"]).read_bytes() == first_ca  # the CA is reused
        assert (
            json.loads((state_dir / "connection.json").read_text())["ca_file"]
            == connection["ca_file"]
        )
    finally:
        assert _stop(second) == 0


def test_cli_serves_a_generated_estate_without_a_world_file(tmp_path: Path) -> None:
    state_dir = tmp_path / "state"
    process, _ = _start(
        state_dir,
        *("--generate", "--subscriptions", "40", "--galleries", "1", "--images", "2"),
        *("--versions", "3", "--networks", "2", "--resource-graph-lag-seconds", "30"),
    )
    try:
        connection = json.loads((state_dir / "connection.json").read_text())
        assert len(connection["subscriptions"]) == 40
        reader = next(p for p in connection["principals"] if p["name"] == "sp-reader-all")
        credential = ClientSecretCredential(
            reader["tenant_id"],
            reader["client_id"],
            reader["client_secret"],
            authority=connection["authority_host"],
            disable_instance_discovery=True,
            connection_verify=connection["ca_file"],
        )
        graph = ResourceGraphClient(
            credential, base_url=connection["arm_base_url"], connection_verify=connection["ca_file"]
        )
        answer = graph.resources(
            QueryRequest(
                subscriptions=[s["id"] for s in connection["subscriptions"]],
                query="resources | where type =~ 'microsoft.network/virtualnetworks' "
                "| project id, name, location | order by id asc",
            )
        )
        assert (answer.total_records, answer.count) == (80, 80)
        trust = ssl.create_default_context(cafile=connection["ca_file"])
        with httpx.Client(verify=trust) as http:
            world = http.get(f"{connection['control_url']}/world").json()
        assert world["settings"]["resource_graph_lag_seconds"] == 30
    finally:
        assert _stop(process) == 0
