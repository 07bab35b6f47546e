"""Real central and edge processes for end-to-end tests, laid out in a test's tmp_path."""

import subprocess
from pathlib import Path

from madoguchi import processes
from madoguchi.processes import MADOGUCHI, Service
from provisioning.broker import free_port

ROOT = Path(__file__).resolve().parents[2]
EMULATED_PROFILE = ROOT / "device_profiles" / "emulated.toml"


def central_service(workdir: Path, broker_url: str, db_url: str | None = None) -> Service:
    """Central on a free port with its data in workdir/central and its log in workdir/central.log."""
    service = processes.central_service(
        workdir / "central", broker_url, free_port(), workdir / "central.log", db_url
    )
    service.cwd = ROOT
    return service


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


def edge_service(workdir: Path, central: Service, token: str, name: str = "edge") -> Service:
    """An emulated counter unit on a free port, data in workdir/name, enrolling on first start."""
    service = processes.edge_service(
        EMULATED_PROFILE, workdir / name, free_port(), workdir / f"{name}.log", central.base_url, token
    )
    service.cwd = ROOT
    return service
