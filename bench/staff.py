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

import msgspec
from sqlalchemy import Engine, insert
from sqlmodel import Session, select

from central.accounts.service import Staff
from central.cases.actions import approve
from central.cases.views import InboxFilter, case_detail, inbox
from central.cases.work import Merger, NewCase, add_work_case
from central.db import make_engine
from central.exports.run import ExportRequest, run_export
from central.forms.pdf import Slip, forms_pdf
from central.models import Case, CaseProcedure
from protocol.facts import Facts
from protocol.ids import uuid7
from protocol.plan import Plan
from testbed.households import PLANNER, citizen

STAFF = Staff("bench", "supervisor", frozenset({"honcho"}), frozenset(), "-")


def timed(what: str, count: int, unit: str, run: Callable[[], object]) -> float:
    """Run once, print the rate, return seconds."""
    start = time.perf_counter()
    run()
    seconds = time.perf_counter() - start
    print(f"{what:<38} {count:>7} {unit:<10} {seconds:8.3f} s  {count / seconds:10.1f} {unit}/s")
    return seconds


def merged_cases(engine: Engine, households: list[Facts], plans: list[Plan]) -> None:
    """Sync the same households as Case rows, merge them, then time the steady-state merge round."""
    now = datetime.now(UTC)
    rows = [
        {
            "id": str(uuid7()),
            "device_id": "bench",
            "office_id": "honcho",
            "seq": serial,
            "life_event": facts.life_event,
            "language": facts.language,
            "ticket": "A001",
            "created_at": now,
            "received_at": now,
            "envelope_sha256": b"-",
            "body_sha256": b"-",
            "facts": msgspec.json.encode(facts).decode(),
            "plan": msgspec.json.encode(plan).decode(),
        }
        for serial, (facts, plan) in enumerate(zip(households, plans, strict=True))
    ]
    with engine.begin() as conn:
        conn.execute(insert(Case.__table__), rows)  # type: ignore[attr-defined]
    merge = Merger(engine, PLANNER)
    timed(
        "merge synced cases (first rounds)",
        len(rows),
        "cases",
        lambda: [merge() for _ in range(len(rows) // 500 + 1)],
    )
    timed("merge round, steady state x100", 100, "rounds", lambda: [merge() for _ in range(100)])


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
                    new = NewCase(str(uuid7()), "honcho", "A001", "sync", now, facts, plan)
                    add_work_case(session, new, now, synced=True)
                session.commit()

        timed("record working cases (one transaction)", args.cases, "cases", record)
        merged_cases(engine, households, plans)
        timed(
            "inbox query x100 (newest 200)",
            100,
            "queries",
            lambda: [inbox(engine, STAFF, InboxFilter()) for _ in range(100)],
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
