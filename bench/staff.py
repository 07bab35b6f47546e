"""Benchmark the staff side in-process on a throwaway SQLite database: the inbox query, approving, the
CP932 CSV export and the form PDF, for a day of synthetic cases. Prints figures only, never personal data.

    .venv/bin/python -m bench.staff [--cases 2000]
"""

import argparse
import io
import random
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, insert
from sqlmodel import Session, select

from central.accounts.service import Staff
from central.cases.actions import approve
from central.cases.prepare import Preparer
from central.cases.records import NewCase, add_case
from central.cases.views import InboxFilter, case_detail, inbox
from central.db import make_engine
from central.exports.run import ExportRequest, run_export
from central.forms.pdf import Slip, forms_pdf
from central.ingest.devices import KnownDevice
from central.ingest.store import synced_case
from central.models import Case, CaseProcedure, Origin, Role
from protocol.facts import Facts
from protocol.ids import uuid7
from protocol.messages import SubmissionBody, Ticket
from protocol.plan import Plan
from testbed.households import PLANNER, citizen

STAFF = Staff("bench", Role.SUPERVISOR, frozenset({"honcho"}), frozenset(), "-")


def timed(what: str, count: int, unit: str, run: Callable[[], object]) -> float:
    """Run once, print the rate, return seconds."""
    start = time.perf_counter()
    run()
    seconds = time.perf_counter() - start
    print(f"{what:<38} {count:>7} {unit:<10} {seconds:8.3f} s  {count / seconds:10.1f} {unit}/s")
    return seconds


def prepared_cases(engine: Engine, households: list[Facts], plans: list[Plan]) -> None:
    """Sync the same households as ingest stores them, prepare them, then time the steady-state round."""
    now = datetime.now(UTC)
    unit = KnownDevice("bench", "honcho", b"", revoked=False)
    ticket = Ticket("A001", "honcho", now.isoformat())
    rows = [
        synced_case(str(uuid7()), unit, serial, SubmissionBody(facts, ticket, plan), now, now, (b"-", b"-"))
        for serial, (facts, plan) in enumerate(zip(households, plans, strict=True))
    ]
    with engine.begin() as conn:
        conn.execute(insert(Case.__table__), rows)  # type: ignore[attr-defined]
    prepare = Preparer(engine, PLANNER)
    timed(
        "prepare synced cases (first rounds)",
        len(rows),
        "cases",
        lambda: [prepare() for _ in range(len(rows) // 500 + 1)],
    )
    timed("prepare round, steady state x100", 100, "rounds", lambda: [prepare() for _ in range(100)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="madoguchi-staff-bench-") as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'central.db'}")
        rng = random.Random(1)
        households = [citizen(rng, serial) for serial in range(args.cases)]
        plans = [PLANNER(facts) for facts in households]
        now = datetime.now(UTC)

        def record() -> None:
            with Session(engine) as session:
                for facts, plan in zip(households, plans, strict=True):
                    new = NewCase(str(uuid7()), "honcho", "I-0001", Origin.INTERVIEW, now, facts, plan)
                    add_case(session, new, now)
                session.commit()

        timed("record interview cases (one transaction)", args.cases, "cases", record)
        prepared_cases(engine, households, plans)
        timed(
            "inbox query x100 (newest 200)",
            100,
            "queries",
            lambda: [inbox(engine, PLANNER.catalog, STAFF, InboxFilter()) for _ in range(100)],
        )
        with Session(engine) as session:
            procedures = list(session.exec(select(CaseProcedure.case_id, CaseProcedure.procedure_id)))

        def approve_all() -> None:
            for case_id, procedure_id in procedures:
                approve(engine, STAFF, case_id, procedure_id)

        timed("approve (one transaction each)", len(procedures), "approvals", approve_all)
        out = io.BytesIO()
        report = run_export(engine, ExportRequest("csv", True, "cp932"), io.BytesIO(), "bench")
        seconds = timed(
            "CP932 CSV export",
            report.rows,
            "rows",
            lambda: run_export(engine, ExportRequest("csv", True, "cp932"), out, "bench"),
        )
        print(f"{'':<38} {out.tell() / seconds / 1e6:>7.1f} MB/s of CSV, {len(procedures)} procedures")
        detail = case_detail(engine, STAFF, procedures[0][0])
        pdfs = 20
        timed(
            "form PDF (one case, all its forms)",
            pdfs,
            "PDFs",
            lambda: [forms_pdf(detail.plan, Slip("A001", detail.summary.id)) for _ in range(pdfs)],
        )
        engine.dispose()


if __name__ == "__main__":
    main()
