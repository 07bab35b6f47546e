"""Child processes that are started, health-checked, killed and restarted: used by `madoguchi demo` and tests.

Each child logs to its own file; nothing here reads or prints what the children log.
"""

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

MADOGUCHI = [sys.executable, "-m", "madoguchi"]


def stop(process: "subprocess.Popen[bytes]", sig: int = signal.SIGTERM, timeout: float = 15.0) -> None:
    """Send a signal, wait for the process to end, and SIGKILL it if it will not."""
    process.send_signal(sig)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def wait_http(url: str, timeout: float = 30.0) -> None:
    """Wait until GET url answers 200, or raise TimeoutError."""
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
    """A `madoguchi …` (or other) child process with a health URL; `kill()` sends any signal."""

    argv: list[str]
    log_path: Path
    health_url: str
    env: dict[str, str] = field(default_factory=dict)
    cwd: Path | None = None
    process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        """Scheme, host and port of the health URL."""
        scheme, _, rest = self.health_url.partition("://")
        return f"{scheme}://{rest.split('/', 1)[0]}"

    def start(self, timeout: float = 90.0) -> "Service":
        """Start and wait until healthy (generous: a loaded 2-core machine starts Python slowly)."""
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                self.argv, stdout=log, stderr=log, cwd=self.cwd, env={**os.environ, **self.env}
            )
        try:
            wait_http(self.health_url, timeout)
        except TimeoutError:
            self.kill()
            raise
        return self

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Send a signal (SIGKILL by default) and reap the process."""
        if self.process is not None:
            stop(self.process, sig)
        self.process = None


def central_service(
    data_dir: Path, broker_url: str, port: int, log_path: Path, db_url: str | None = None
) -> Service:
    """`madoguchi central serve` with its data in data_dir."""
    argv = [*MADOGUCHI, "central", "serve", "--data-dir", str(data_dir), "--broker", broker_url]
    argv += ["--listen", f"127.0.0.1:{port}"]
    if db_url:
        argv += ["--db", db_url]
    return Service(argv, log_path, f"http://127.0.0.1:{port}/health")


def edge_service(
    profile: Path, data_dir: Path, port: int, log_path: Path, central_url: str, token: str
) -> Service:
    """`madoguchi edge run`, enrolling on first start."""
    argv = [*MADOGUCHI, "edge", "run", "--profile", str(profile), "--data-dir", str(data_dir)]
    argv += ["--listen", f"127.0.0.1:{port}", "--central", central_url, "--token", token]
    return Service(argv, log_path, f"http://127.0.0.1:{port}/api/health")
