"""Decode API answers the way spotinst-sdk-go (Terraform's client) does.

`tests/go/spotdecode` is a small Go program, standard library only, whose structs carry the Go
SDK's types and json tags. `GoDecoder` builds it once (offline: no module downloads) and runs
it on an answer; a failed decode is an assertion error carrying Go's own message.

Use the session fixture `go_decoder` (tests/conftest.py):

    seen = go_decoder.decode(answer, kind="group")  # what a Go client sees
    go_decoder.decode(answer, kind="group", keys=True)  # and every key spelled as the SDK does
    message = go_decoder.rejects(answer, kind="group")  # the decode must fail

`seen["items"]` re-encodes the typed structs: times come back in Go's RFC 3339 form (trailing
zeros of the fraction dropped), keys the SDK does not know are gone.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SOURCE = Path(__file__).parent / "go" / "spotdecode"
KINDS = (
    "group",
    "statefulNode",
    "statefulNodeState",
    "statefulNodeImport",
    "account",
    "azureCredentials",
    "envelope",
)


class GoToolchainMissing(RuntimeError):
    pass


def build(work_dir: Path) -> Path:
    """Compile the decoder into work_dir; Go's build cache lives there too."""
    go = shutil.which("go")
    if go is None:
        raise GoToolchainMissing(
            "the Go decode check needs Go: apt-get install golang-go (.ci/run installs it)"
        )
    binary = work_dir / "spotdecode"
    env = {
        **os.environ,
        "GOCACHE": str(work_dir / "gocache"),
        "GOPATH": str(work_dir / "gopath"),
        "GOFLAGS": "-mod=mod",
        "GOPROXY": "off",  # standard library only: a download attempt is a bug
        "GOTOOLCHAIN": "local",
        "GO111MODULE": "on",
        "CGO_ENABLED": "0",
    }
    done = subprocess.run(
        [go, "build", "-o", str(binary), "."],
        cwd=SOURCE,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if done.returncode != 0:
        raise RuntimeError(f"go build of {SOURCE} failed:\n{done.stderr}")
    return binary


@dataclass(frozen=True)
class GoDecoder:
    binary: Path

    def run(
        self, answer: Any, *, kind: str, status: int = 200, keys: bool = False
    ) -> subprocess.CompletedProcess[str]:
        if kind not in KINDS:
            raise ValueError(f"unknown kind {kind!r}; one of {KINDS}")
        body = answer if isinstance(answer, str | bytes) else json.dumps(answer)
        if isinstance(body, bytes):
            body = body.decode()
        args = [str(self.binary), f"-kind={kind}", f"-status={status}"]
        if keys:
            args.append("-keys")
        return subprocess.run(args, input=body, capture_output=True, text=True, timeout=60)

    def decode(
        self, answer: Any, *, kind: str, status: int = 200, keys: bool = False
    ) -> dict[str, Any]:
        """What a Go client sees: {"requestId", "items", "errors"}; fails the test otherwise."""
        done = self.run(answer, kind=kind, status=status, keys=keys)
        assert done.returncode == 0, (
            f"spotinst-sdk-go cannot read this {kind} answer (HTTP {status}):\n"
            f"{done.stderr.strip()}\nanswer: {_excerpt(answer)}"
        )
        decoded: dict[str, Any] = json.loads(done.stdout)
        return decoded

    def rejects(self, answer: Any, *, kind: str, status: int = 200, keys: bool = False) -> str:
        """The decode must fail; returns Go's message."""
        done = self.run(answer, kind=kind, status=status, keys=keys)
        assert done.returncode == 1, (
            f"spotinst-sdk-go was expected to fail on this {kind} answer but read it:\n"
            f"{done.stdout.strip()}\n{done.stderr.strip()}"
        )
        return done.stderr.strip()


def _excerpt(answer: Any, limit: int = 2000) -> str:
    text = answer if isinstance(answer, str) else json.dumps(answer)
    return text if len(text) <= limit else text[:limit] + " ..."
