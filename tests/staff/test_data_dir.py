"""The data dir is the single source of truth for the database: every command given only `--data-dir` (or
`--central-data`) talks to the database `central serve` with that data dir uses, even one outside the dir."""

import random
import stat
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from sqlmodel import Session, select

from central.db import make_engine
from central.models import WebhookEndpoint
from central.settings import DB_URL_FILE
from testbed.broker import Broker
from testbed.households import citizen
from testbed.services import MADOGUCHI, ROOT, central_service
from tests.staff.support import PASSWORD, StaffCentral, login, wait_for_case


def provision(central: StaffCentral, *args: str) -> str:
    """`madoguchi provision ARGS --central-data DIR` and nothing else."""
    argv = [*MADOGUCHI, "provision", *args, "--central-data", str(central.data_dir)]
    return subprocess.run(argv, check=True, capture_output=True, text=True, cwd=ROOT).stdout


def test_every_command_uses_the_database_central_serves(tmp_path: Path, broker: Broker) -> None:
    elsewhere = f"sqlite:///{tmp_path / 'elsewhere' / 'city.db'}"
    (tmp_path / "elsewhere").mkdir()
    service = central_service(tmp_path, broker.url, db_url=elsewhere).start(timeout=60)
    try:
        central = StaffCentral(tmp_path, service, broker)  # its CLI passes only --data-dir
        recorded = central.data_dir / DB_URL_FILE
        assert recorded.read_text().strip() == elsewhere
        assert stat.S_IMODE(recorded.stat().st_mode) == 0o600, "the URL may hold a password"

        central.add_user("dir_boss", role="supervisor")
        client = login(central, "dir_boss")  # the user is in the database central serves from

        case_id = central.sync(citizen(random.Random(7), 7))  # enrolled by `provision token --central-data`
        wait_for_case(client, case_id)
        exported = central.cli("export", "--format", "json").stdout.decode()
        assert case_id in exported

        central.cli("webhook", "add", "http://127.0.0.1:9/hook")
        engine = make_engine(elsewhere)
        with Session(engine) as session:
            assert [row.url for row in session.exec(select(WebhookEndpoint))] == ["http://127.0.0.1:9/hook"]
        engine.dispose()

        provision(central, "serial", "add", "--office", "honcho", "SN-DATA-DIR")
        assert "sn-data-dir\thoncho" in provision(central, "serial", "list")

        assert central.cli("purge", "--before", datetime.now(UTC).isoformat()).stdout.strip() == b"1"
        assert client.http.get(f"/api/staff/cases/{case_id}").status_code == 404
    finally:
        service.kill()


def test_a_command_naming_another_database_is_refused(tmp_path: Path) -> None:
    data_dir = tmp_path / "central"
    data_dir.mkdir()
    (data_dir / DB_URL_FILE).write_text(f"sqlite:///{tmp_path / 'served.db'}\n")
    other = tmp_path / "other.db"
    argv = [*MADOGUCHI, "central", "user", "add", "sato", "--role", "staff", "--data-dir", str(data_dir)]
    done = subprocess.run(
        [*argv, "--db", f"sqlite:///{other}"],
        input=PASSWORD + "\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 2
    assert "give only --data-dir" in done.stderr
    assert not other.exists(), "nothing is written to the other database"


def test_a_department_must_be_the_catalogs(tmp_path: Path) -> None:
    argv = [*MADOGUCHI, "central", "user", "add", "sato", "--role", "staff", "--data-dir", str(tmp_path)]

    def add(department: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*argv, "--department", department],
            input=PASSWORD + "\n",
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=False,
        )

    typo = add("市民果")
    assert typo.returncode == 2
    assert "市民果" in typo.stderr
    assert "市民課" in typo.stderr, "the catalog's departments are listed"
    done = add("市民課")
    assert done.returncode == 0, done.stderr
