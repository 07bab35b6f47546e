"""Child processes that are started, health-checked, killed and restarted, and the loopback ports they use.

Each child logs to its own file; nothing here reads or prints what the children log.
"""

import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx


def free_port() -> int:
    """Ask the kernel for a free TCP port on the loopback interface."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(host: str, port: int, timeout: float = 10.0) -> None:
    """Block until something accepts TCP connections on host:port, or raise TimeoutError."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing listens on {host}:{port} after {timeout}s")


def wait_http(url: str, timeout: float = 30.0, alive: Callable[[], bool] = lambda: True) -> None:
    """Wait until GET url answers 200, or raise TimeoutError (at once if `alive()` turns false)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and alive():
        try:
            if httpx.get(url, timeout=1.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise TimeoutError(f"{url} did not answer within {timeout}s" if alive() else f"{url}: its server exited")


def stop(process: "subprocess.Popen[bytes]", sig: int = signal.SIGTERM, timeout: float = 15.0) -> None:
    """Send a signal, wait for the process to end, and SIGKILL it if it will not."""
    stop_together([process], sig, timeout)


def stop_together(
    processes: Sequence["subprocess.Popen[bytes]"], sig: int = signal.SIGTERM, timeout: float = 15.0
) -> None:
    """Signal every process first, then wait for them against one deadline (SIGKILL for any that will not
    end): they shut down side by side, so a loaded machine waits for the slowest, not for the sum."""
    for process in processes:
        process.send_signal(sig)
    deadline = time.monotonic() + timeout
    for process in processes:
        try:
            process.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


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
        process = self.process
        try:
            wait_http(self.health_url, timeout, alive=lambda: process.poll() is None)
        except TimeoutError:
            self.kill()
            raise
        return self

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Send a signal (SIGKILL by default) and reap the process."""
        stop_services([self], sig)


def stop_services(services: Sequence[Service], sig: int = signal.SIGTERM) -> None:
    """Stop several services side by side (`stop_together`) and forget their processes."""
    stop_together([service.process for service in services if service.process is not None], sig)
    for service in services:
        service.process = None
