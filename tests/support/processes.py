"""Real central and edge processes for end-to-end tests: started, killed with any signal, restarted."""

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from provisioning.broker import free_port

ROOT = Path(__file__).resolve().parents[2]
MADOGUCHI = [sys.executable, "-m", "madoguchi"]


def wait_http(url: str, timeout: float = 30.0) -> None:
    """Wait until GET url answers 200."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=1.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise TimeoutError(f"{url} did not answer within {timeout}s")


@dataclass
class Service:
    """A subprocess with its own log file; `kill()` defaults to SIGKILL."""

    argv: list[str]
    log_path: Path
    health_url: str
    env: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> "Service":
        """Start and wait until healthy."""
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                self.argv, stdout=log, stderr=log, cwd=ROOT, env={**os.environ, **self.env}
            )
        wait_http(self.health_url)
        return self

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Send a signal and reap the process."""
        if self.process is None:
            return
        self.process.send_signal(sig)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None


def central_service(workdir: Path, broker_url: str, db_url: str | None = None) -> Service:
    """`madoguchi central serve` on a free port with its data in workdir/central."""
    port = free_port()
    argv = [*MADOGUCHI, "central", "serve", "--data-dir", str(workdir / "central")]
    argv += ["--broker", broker_url, "--listen", f"127.0.0.1:{port}"]
    if db_url:
        argv += ["--db", db_url]
    service = Service(argv, workdir / "central.log", f"http://127.0.0.1:{port}/health")
    service.env["MADOGUCHI_CENTRAL_URL"] = f"http://127.0.0.1:{port}"
    return service


def central_url(service: Service) -> str:
    """Base URL of a central service."""
    return service.health_url.removesuffix("/health")


def issue_token(workdir: Path, office: str = "honcho", db_url: str | None = None) -> str:
    """`madoguchi provision token` against the central data dir."""
    argv = [*MADOGUCHI, "provision", "token", "--central-data", str(workdir / "central"), "--office", office]
    if db_url:
        argv += ["--db", db_url]
    return subprocess.run(argv, check=True, capture_output=True, text=True, cwd=ROOT).stdout.strip()


def edge_service(workdir: Path, central: Service, token: str, name: str = "edge") -> Service:
    """`madoguchi edge run` with the emulated profile, enrolling on first start."""
    port = free_port()
    argv = [*MADOGUCHI, "edge", "run", "--profile", str(ROOT / "device_profiles" / "emulated.toml")]
    argv += ["--data-dir", str(workdir / name), "--listen", f"127.0.0.1:{port}"]
    argv += ["--central", central_url(central), "--token", token]
    return Service(argv, workdir / f"{name}.log", f"http://127.0.0.1:{port}/api/health")


def edge_url(service: Service) -> str:
    """Base URL of an edge service."""
    return service.health_url.removesuffix("/api/health")
