"""Real central and edge processes (`madoguchi central serve`, `madoguchi edge run`) laid out in one work dir.

Central keeps its data in WORKDIR/central and logs to WORKDIR/central.log; a unit named NAME keeps its data in
WORKDIR/NAME and logs to WORKDIR/NAME.log. `madoguchi demo` lays out var/demo this way and each test its
tmp_path. Nothing here reads what the children log or store.
"""

import subprocess
import sys
from pathlib import Path

from testbed.processes import Service, free_port

ROOT = Path(__file__).resolve().parents[1]
EMULATED_PROFILE = ROOT / "device_profiles" / "emulated.toml"
MADOGUCHI = [sys.executable, "-m", "madoguchi"]


def central_service(
    workdir: Path, broker_url: str | None, db_url: str | None = None, port: int | None = None
) -> Service:
    """Central on `port` (default: a free one) consuming from the broker (none: HTTP only, no ingest);
    SQLite unless `db_url` is given."""
    port = port or free_port()
    argv = [*MADOGUCHI, "central", "serve", "--data-dir", str(workdir / "central")]
    argv += ["--broker", broker_url] if broker_url else []
    argv += ["--listen", f"127.0.0.1:{port}"]
    argv += ["--db", db_url] if db_url else []
    return Service(argv, workdir / "central.log", f"http://127.0.0.1:{port}/health", cwd=ROOT)


def edge_service(
    workdir: Path,
    central: Service,
    token: str,
    name: str = "edge",
    profile: Path = EMULATED_PROFILE,
    port: int | None = None,
) -> Service:
    """A counter unit on `port` (default: a free one), enrolling with central on first start."""
    port = port or free_port()
    argv = [*MADOGUCHI, "edge", "run", "--profile", str(profile), "--data-dir", str(workdir / name)]
    argv += ["--listen", f"127.0.0.1:{port}", "--central", central.base_url, "--token", token]
    return Service(argv, workdir / f"{name}.log", f"http://127.0.0.1:{port}/api/health", cwd=ROOT)


def central_url(service: Service) -> str:
    """Base URL of a central service."""
    return service.base_url


def edge_url(service: Service) -> str:
    """Base URL of an edge service."""
    return service.base_url


def issue_token(workdir: Path, office: str = "honcho", db_url: str | None = None) -> str:
    """`madoguchi provision token` against the central data dir in workdir (and its database)."""
    argv = [*MADOGUCHI, "provision", "token", "--central-data", str(workdir / "central"), "--office", office]
    argv += ["--db", db_url] if db_url else []
    return subprocess.run(argv, check=True, capture_output=True, text=True, cwd=ROOT).stdout.strip()


def queue_central_service(workdir: Path, port: int | None = None, *, bare: bool = False) -> Service:
    """Central (HTTP only) whose queue hub the caller feeds through `POST /testbed/queue`
    (`testbed/queue_central.py`), or with `bare` the plain SSE broadcast the display bench compares with."""
    port = port or free_port()
    argv = [sys.executable, "-m", "testbed.queue_central", "--data-dir", str(workdir / "central")]
    argv += ["--listen", f"127.0.0.1:{port}", *(["--bare"] if bare else [])]
    name = "bare-broadcast" if bare else "central"
    return Service(argv, workdir / f"{name}.log", f"http://127.0.0.1:{port}/health", cwd=ROOT)
