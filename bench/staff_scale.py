"""Staff pages at a year's scale: a real `central serve` over HTTP with a mid-size city's year of cases
(200,000 by default) on SQLite and on PostgreSQL.

Cases are written straight into the database (the row ingest writes, prepared, with procedure rows and search
keys), not sent through the broker: the figures are about reading them. Prints p50/p99 of the inbox, a name
search, the inbox filtered by a counter (a filter most cases match), a case page and /health, each page's
ratio to /health in the same run (target: p99 within 10×), and the CP932 CSV export of every approved
procedure through the CLI (rows/s, peak RSS of the exporting process) at 1/100 and 1/10 of the cases (and at
the full size with --full-export: ~90 CSV rows a case, so 18 million rows for 200,000 cases), to show whether
export memory stays flat as rows grow. Prints the machine's load average with the figures (they are only as
quiet as the machine), never personal data.

    .venv/bin/python -m bench.staff_scale [--cases 200000] [--db sqlite|postgres|both] [--requests 200]
        [--full-export]
"""

import argparse
import os
import random
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import msgspec
import sqlalchemy as sa
from sqlalchemy import Engine

from bench.common import percentile
from central.accounts.service import add_user
from central.cases.records import NewCase, procedure_row
from central.cases.search import key_rows
from central.db import make_engine
from central.ingest.devices import KnownDevice
from central.ingest.store import synced_case
from central.models import Case, CaseKey, CaseProcedure, CaseStatus, Origin, ProcedureStatus
from protocol.facts import Facts
from protocol.ids import uuid7
from protocol.messages import SubmissionBody, Ticket
from protocol.plan import Plan
from testbed.households import PLANNER, citizen
from testbed.postgres import PrivatePostgres
from testbed.services import MADOGUCHI, ROOT, central_service

PASSWORD = "bench staff password"
OFFICE = "honcho"
TEMPLATES = 20
"""Distinct households planned (planning costs ~25 ms, so cases reuse these plans with their own names)."""
CHUNK = 5000
YEAR = timedelta(days=365)
_CSRF = b'name="csrf_token" value="'


@dataclass(frozen=True)
class Figures:
    """Latencies of one endpoint, in milliseconds."""

    name: str
    samples: list[float]

    @property
    def p50(self) -> float:
        return percentile(self.samples, 0.5)

    @property
    def p99(self) -> float:
        return percentile(self.samples, 0.99)


def templates() -> list[tuple[Facts, Plan]]:
    """A few planned households (some with national health insurance) whose plans the cases reuse."""
    rng = random.Random(7)
    planned = []
    for serial in range(TEMPLATES):
        facts = citizen(rng, serial)
        if serial % 2:
            facts = msgspec.structs.replace(facts, answers={**facts.answers, "nhi_members": ["0"]})
        planned.append((facts, PLANNER(facts)))
    return planned


def fill(engine: Engine, count: int, start: int = 0) -> list[tuple[str, str]]:
    """Write `count` approved cases spread over the last year; returns (id, applicant name) of a sample."""
    planned = templates()
    rng = random.Random(start + 1)
    unit = KnownDevice("bench-unit", OFFICE, b"", revoked=False)
    now = datetime.now(UTC)
    sample: list[tuple[str, str]] = []
    tables = (Case.__table__, CaseProcedure.__table__, CaseKey.__table__)  # type: ignore[attr-defined]
    for first in range(start, start + count, CHUNK):
        cases, procedures, keys = [], [], []
        for serial in range(first, min(first + CHUNK, start + count)):
            template, plan = planned[serial % TEMPLATES]
            facts = msgspec.structs.replace(citizen(rng, serial), answers=template.answers)
            case_id = str(uuid7())
            created = now - YEAR * rng.random()
            ticket = Ticket(f"A{serial % 1000:03d}", OFFICE, created.isoformat())
            row = synced_case(
                case_id, unit, serial, SubmissionBody(facts, ticket, plan), created, created, (b"", b"")
            )
            row |= {"prepared_at": created, "status": CaseStatus.APPROVED}
            cases.append(row)
            for item in plan.procedures:
                procedure = procedure_row(case_id, item, created)
                procedure |= {"status": ProcedureStatus.DONE, "approved_at": created, "approved_by": "bench"}
                procedures.append(procedure)
            keys += key_rows(
                NewCase(case_id, OFFICE, ticket.number, Origin.SYNC, created, facts, plan), facts
            )
            if serial % 997 == 0:
                sample.append((case_id, facts.applicant.name))
        with engine.begin() as conn:
            for table, rows in zip(tables, (cases, procedures, keys), strict=True):
                conn.execute(sa.insert(table), rows)
    return sample


def written(engine: Engine) -> int:
    """How many cases the database holds."""
    with engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(Case.__table__)).scalar_one())  # type: ignore[attr-defined]


class Sampler:
    """Samples a process's resident memory (VmRSS) every 20 ms; `peak` is the highest seen, in MB."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak, self._stop = pid, 0.0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        self.peak = max(self.peak, int(line.split()[1]) / 1024)
            except (FileNotFoundError, ProcessLookupError):
                return
            time.sleep(0.02)

    def __enter__(self) -> "Sampler":
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


def cli_export(data_dir: Path) -> tuple[int, float, float]:
    """The full approved CP932 CSV export through `madoguchi central export`: (rows, seconds, peak MB)."""
    argv = [*MADOGUCHI, "central", "export", "--approved", "--format", "csv", "--encoding", "cp932"]
    start = time.perf_counter()
    process = subprocess.Popen(
        [*argv, "--data-dir", str(data_dir)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=ROOT
    )
    assert process.stdout is not None
    lines = 0
    with Sampler(process.pid) as memory:
        while chunk := process.stdout.read(1 << 20):
            lines += chunk.count(b"\n")
        process.wait()
    return lines - 1, time.perf_counter() - start, memory.peak  # the header is not a row


def logged_in(url: str) -> tuple[httpx.Client, str]:
    """A client logged in as the bench supervisor."""
    http = httpx.Client(base_url=url, timeout=120)
    assert http.post("/staff/login", data={"name": "bench", "password": PASSWORD}).status_code == 303
    page = http.get("/staff/").content
    start = page.index(_CSRF) + len(_CSRF)
    return http, page[start : page.index(b'"', start)].decode()


def measure(requests: int, endpoints: dict[str, Callable[[], httpx.Response]]) -> list[Figures]:
    """Call the endpoints in turn (so they share the machine's load), `requests` times each."""
    samples: dict[str, list[float]] = {name: [] for name in endpoints}
    for name, call in endpoints.items():  # warm up
        for _ in range(3):
            assert call().status_code == 200, name
    for _ in range(requests):
        for name, call in endpoints.items():
            start = time.perf_counter()
            response = call()
            samples[name].append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, name
    return [Figures(name, values) for name, values in samples.items()]


@contextmanager
def database(kind: str) -> Iterator[str]:
    """A fresh SQLite file or PostgreSQL database; yields its URL."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory(prefix="madoguchi-scale-db-") as tmp:
            yield f"sqlite:///{Path(tmp) / 'central.db'}"
        return
    cluster = PrivatePostgres().start()
    try:
        yield cluster.database()
    finally:
        cluster.stop()


def run(kind: str, cases: int, requests: int, full_export: bool) -> None:
    """Fill, serve, measure and export on one database kind."""
    with database(kind) as url, tempfile.TemporaryDirectory(prefix="madoguchi-scale-") as tmp:
        workdir = Path(tmp)
        engine = make_engine(url)
        add_user(engine, "bench", "supervisor", PASSWORD, [OFFICE], [])
        service = central_service(workdir, None, db_url=url).start(timeout=300)  # records the database
        service.kill()
        sample: list[tuple[str, str]] = []
        exports: dict[int, tuple[int, float, float]] = {}
        for size in (cases // 100, cases // 10, cases):
            start = time.perf_counter()
            have = written(engine)
            sample += fill(engine, size - have, start=have)
            print(f"[{kind}] {size} cases written ({time.perf_counter() - start:.1f} s for this step)")
            if size < cases or full_export:
                exports[size] = cli_export(workdir / "central")
        service = central_service(workdir, None, db_url=url).start(timeout=300)
        try:
            http, _ = logged_in(service.base_url)
            rng = random.Random(3)
            figures = measure(
                requests,
                {
                    "/health": lambda: http.get("/health"),
                    "inbox (newest 50)": lambda: http.get("/staff/"),
                    "search by name": lambda: http.get("/staff/", params={"q": rng.choice(sample)[1]}),
                    "counter filter": lambda: http.get("/staff/", params={"counter": "shimin"}),
                    "case page": lambda: http.get(f"/staff/cases/{rng.choice(sample)[0]}"),
                },
            )
            health = figures[0]
            load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
            print(f"[{kind}] {cases} cases, {requests} requests each (ms; ratio to /health in this run)")
            print(f"  load average {load} (1, 5, 15 min) on {os.cpu_count()} CPUs")
            for item in figures:
                print(
                    f"  {item.name:<20} p50 {item.p50:8.1f}  p99 {item.p99:8.1f}"
                    f"   ×{item.p50 / health.p50:6.1f} p50  ×{item.p99 / health.p99:6.1f} p99"
                )
            for size, (rows, seconds, peak) in exports.items():
                print(
                    f"  CP932 CSV export of {size:>7} cases: {rows:>9} rows {seconds:7.1f} s "
                    f"{rows / seconds:8.0f} rows/s  peak RSS {peak:7.1f} MB"
                )
        finally:
            service.kill()
            engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=200_000)
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--full-export", action="store_true", help="also export at the full size")
    args = parser.parse_args()
    for kind in ("sqlite", "postgres") if args.db == "both" else (args.db,):
        run(kind, args.cases, args.requests, args.full_export)


if __name__ == "__main__":
    main()
