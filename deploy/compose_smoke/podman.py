"""Podman for the compose smoke test: the podman command line, the system packages it needs, and
the local Debian, Python, PostgreSQL and Redis images that stand in for the public base images
(no image registry is reachable here). Output and phase timings are here too, as every part of
the smoke test reports through them."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROJECT_DIR = HERE.parents[1]
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
                + without_noise(result.stderr or result.stdout)
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


def without_noise(text: str) -> str:
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
            raise SmokeFailure(f"podman import failed: {without_noise(imported.stderr)}")
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
