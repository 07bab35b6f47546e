"""What the staff-side tests share: a central with staff users, logged-in clients, synced and QR cases."""

import asyncio
import re
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import msgspec

from central.accounts.service import add_user
from central.cases.approval import catalog_departments, set_departments
from central.db import make_engine
from procedures.planner import CatalogPlanner
from protocol import topics
from protocol.facts import Facts
from protocol.qr_seal import CaseQr, CounterKey, seal_qr
from testbed.broker import Broker
from testbed.processes import Service
from testbed.services import MADOGUCHI, ROOT, issue_token
from testbed.simulated import SimulatedDevice
from tests.spine.helpers import publish, wait_until

PASSWORD = "correct horse battery"
ALL_DEPARTMENTS = frozenset(catalog_departments(CatalogPlanner.load().catalog))
"""Every department of the sample city: what the suite's clerks approve unless a test says otherwise."""
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class StaffCentral:
    """A running central with its work dir and broker."""

    workdir: Path
    service: Service
    broker: Broker
    db_url: str | None = None
    """None: SQLite in the data dir."""
    devices: dict[str, SimulatedDevice] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return self.service.base_url

    @property
    def data_dir(self) -> Path:
        return self.workdir / "central"

    def cli(self, *args: str, stdin: str = "") -> subprocess.CompletedProcess[bytes]:
        """`madoguchi central ARGS --data-dir ...`."""
        argv = [*MADOGUCHI, "central", *args, "--data-dir", str(self.data_dir)]
        argv += ["--db", self.db_url] if self.db_url else []
        return subprocess.run(argv, input=stdin.encode(), capture_output=True, check=True, cwd=ROOT)

    def add_user(
        self,
        name: str,
        role: str = "staff",
        offices: tuple[str, ...] = ("honcho",),
        departments: tuple[str, ...] = (),
    ) -> None:
        """`madoguchi central user add` with the test password on stdin."""
        office_args = [arg for office in offices for arg in ("--office", office)]
        office_args += [arg for department in departments for arg in ("--department", department)]
        self.cli("user", "add", name, "--role", role, *office_args, stdin=PASSWORD + "\n")

    def seed_users(
        self,
        users: list[tuple[str, str, tuple[str, ...]]],
        departments: dict[str, frozenset[str]] | None = None,
    ) -> None:
        """Add (name, role, offices) users straight into the database, skipping the CLI's start-up time; a
        clerk approves the departments given for them (default: every department of the sample city)."""
        engine = make_engine(self.db_url or f"sqlite:///{self.data_dir / 'central.db'}")
        for name, role, offices in users:
            add_user(engine, name, role, PASSWORD, list(offices), [])
            set_departments(engine, name, (departments or {}).get(name, ALL_DEPARTMENTS))
        engine.dispose()

    def device(self, office: str = "honcho") -> SimulatedDevice:
        """An enrolled simulated unit of this office (one per office)."""
        if office not in self.devices:
            self.devices[office] = SimulatedDevice.enrol(
                self.url, issue_token(self.workdir, office, self.db_url)
            )
        return self.devices[office]

    def counter_key(self) -> CounterKey:
        """The counter key central created in its data dir."""
        return CounterKey.from_bytes((self.data_dir / "counter.key").read_bytes())

    def sync(self, facts: Facts, office: str = "honcho") -> str:
        """Publish a sealed submission as a unit would; returns its id (central stores it moments later)."""
        case_id, wire = self.device(office).seal(facts)
        self.publish(office, wire)
        return case_id

    def slip_qr(self, facts: Facts, office: str = "honcho") -> tuple[str, str, bytes]:
        """(case id, QR text, sealed envelope) of a case whose slip was printed but which has not synced."""
        unit = self.device(office)
        case_id, wire = unit.seal(facts)
        payload = CaseQr(
            submission_id=case_id,
            ticket=f"S{unit.seq:03d}",
            office_id=office,
            device_id=unit.device_id,
            issued_at="2026-11-22T09:00:00+09:00",
            facts=facts,
        )
        text = seal_qr(
            payload,
            counter=self.counter_key(),
            issuer=unit.device_id,
            signer=unit.signer,
        )
        return case_id, text, wire

    def publish(self, device_office: str, wire: bytes) -> None:
        """Publish an envelope sealed earlier (the network came back)."""
        unit = self.device(device_office)
        items = [(topics.submissions(unit.device_id), wire)]
        with ThreadPoolExecutor(1) as thread:  # its own loop: Playwright's sync API runs one in this thread
            thread.submit(asyncio.run, publish(self.broker, items)).result()


@dataclass
class StaffClient:
    """An httpx client logged in as one user, with that session's CSRF token."""

    http: httpx.Client
    csrf: str

    def post_form(self, path: str, form: dict[str, str] | None = None) -> httpx.Response:
        """POST a staff form with the CSRF token, as the browser does."""
        return self.http.post(path, data={"csrf_token": self.csrf, **(form or {})})

    def case(self, case_id: str) -> Any:
        """The case as the JSON API gives it."""
        response = self.http.get(f"/api/staff/cases/{case_id}")
        assert response.status_code == 200, response.text
        return dict(response.json())


def login(central: StaffCentral, name: str, password: str = PASSWORD) -> StaffClient:
    """Log in through the login form and pick up the session's CSRF token from the inbox page."""
    http = httpx.Client(base_url=central.url, timeout=30)
    response = http.post("/staff/login", data={"name": name, "password": password})
    assert response.status_code == 303, response.text
    page = http.get("/staff/")
    match = _CSRF.search(page.text)
    assert match, "the inbox page carries the CSRF token"
    return StaffClient(http, match.group(1))


def wait_for_case(client: StaffClient, case_id: str, synced: bool = True) -> Any:
    """Wait until the case is in the user's inbox (and its envelope has synced, when `synced`)."""

    def present() -> bool:
        response = client.http.get(f"/api/staff/cases/{case_id}")
        return response.status_code == 200 and response.json()["summary"]["synced"] is synced

    wait_until(present, timeout=30, what=f"case in the inbox (synced={synced})")
    return client.case(case_id)


def decode_lines(raw: bytes) -> list[Any]:
    """JSON lines as dicts."""
    return [msgspec.json.decode(line) for line in raw.splitlines() if line.strip()]
