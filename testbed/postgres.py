"""A private PostgreSQL cluster for the tests: initdb in a temporary directory, a free port, trust auth.

As root, the cluster runs as the `postgres` user (PostgreSQL refuses to run as root). The system cluster,
if any, is never touched.
"""

import getpass
import glob
import shutil
import subprocess
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine, text

from testbed.processes import free_port, wait_for_port


def _bindir() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        raise FileNotFoundError("PostgreSQL is not installed (scripts/bootstrap installs it)")
    return Path(found[-1]).parent


def _as_owner(argv: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *argv] if getpass.getuser() == "root" else argv


@dataclass
class PrivatePostgres:
    """One throwaway cluster; `database()` hands out a fresh empty database URL."""

    port: int = field(default_factory=free_port)
    workdir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="madoguchi-pg-")))

    def start(self) -> "PrivatePostgres":
        """initdb and start; returns once the server accepts connections."""
        data = self.workdir / "data"
        data.mkdir()
        if getpass.getuser() == "root":
            shutil.chown(self.workdir, "postgres")
            shutil.chown(data, "postgres")
        bindir = _bindir()
        initdb = [str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8"]
        subprocess.run(_as_owner([*initdb, "--locale=C.UTF-8"]), check=True, capture_output=True)
        options = f"-p {self.port} -k {data} -c listen_addresses=127.0.0.1 -c fsync=off"
        start = [str(bindir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(data / "log"), "-w"]
        subprocess.run(_as_owner([*start, "start"]), check=True, capture_output=True)
        wait_for_port("127.0.0.1", self.port)
        return self

    def stop(self) -> None:
        """Stop the server and remove its files."""
        pg_ctl = str(_bindir() / "pg_ctl")
        subprocess.run(
            _as_owner([pg_ctl, "-D", str(self.workdir / "data"), "-m", "fast", "stop"]), check=False
        )
        shutil.rmtree(self.workdir, ignore_errors=True)

    def database(self) -> str:
        """Create an empty database and return its SQLAlchemy URL."""
        name = f"t_{uuid.uuid4().hex[:12]}"
        admin = create_engine(
            f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres", isolation_level="AUTOCOMMIT"
        )
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{name}"
