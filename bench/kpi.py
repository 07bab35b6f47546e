"""How long does the KPI dashboard take for a busy office and a long period?

Fills a fresh SQLite database with `--per-day` kiosk tickets a day for `--days` days at one office, each
with a real navigator plan (move-ins from testbed/households.py, ~10 KB of plan each), its procedure rows
(approved 30 minutes after the visit) and its ticket events through every counter of the plan, as the queue
stores them; then times what one dashboard request does: read the period's records (central/kpi/source.py)
and compute the figures (central/kpi/figures.py). Prints the sizes and both times, best of `--runs`.

    .venv/bin/python -m bench.kpi [--per-day 100] [--days 92] [--runs 3]
"""

import argparse
import json
import random
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import msgspec
from sqlalchemy import Engine
from sqlmodel import Session

from central.db import make_engine
from central.kpi.figures import compute
from central.kpi.source import load_inputs
from central.models import Case, CaseProcedure, Origin, ProcedureStatus
from central.queue.models import EventKind, Ticket, TicketEvent, TicketSource
from protocol.plan import Plan
from testbed.households import PLANNER, answered, citizen

OFFICE = "honcho"
FIRST_DAY = date(2026, 9, 1)
STEPS = (("called", 10), ("serving", 1), ("done_at_counter", 8), ("moved", 0))
"""Each counter visit: called after 10 minutes in the queue, served a minute later for 8 minutes."""


def plans(count: int) -> list[Plan]:
    """Real plans for synthetic households, every question answered plainly."""
    return [PLANNER(answered(citizen(random.Random(serial), serial))) for serial in range(count)]


def _store_ticket(session: Session, plan: Plan, number: int, issued: datetime) -> None:
    case_id = f"bench-{number}"
    plan_json = msgspec.json.encode(plan).decode()
    session.add(
        Case(
            id=case_id,
            office_id=OFFICE,
            ticket=f"A{number}",
            origin=Origin.SYNC,
            life_event=plan.life_event,
            language="ja",
            created_at=issued,
            updated_at=issued,
            prepared_at=issued,
            facts="{}",
            plan=plan_json,
        )
    )
    ticket = Ticket(
        office_id=OFFICE,
        day=(issued + timedelta(hours=9)).date(),
        number=f"A{number}",
        printed=f"A{number}",
        token=f"bench{number}",
        case_id=case_id,
        source=TicketSource.KIOSK,
        route="[]",
        state="done",
        issued_at=issued,
        queued_at=issued,
        updated_at=issued,
    )
    session.add(ticket)
    session.flush()
    now = issued
    session.add(
        TicketEvent(
            ticket_id=ticket.id or 0, office_id=OFFICE, kind=EventKind.ISSUED, at=now, case_id=case_id
        )
    )
    for counter in plan.visiting_order():
        for kind, minutes in STEPS:
            now += timedelta(minutes=minutes)
            session.add(
                TicketEvent(
                    ticket_id=ticket.id or 0,
                    office_id=OFFICE,
                    counter=counter.id,
                    kind=EventKind(kind),
                    at=now,
                    procedures=json.dumps(counter.procedures),
                    case_id=case_id,
                )
            )
    for procedure in plan.procedures:
        session.add(
            CaseProcedure(
                case_id=case_id,
                procedure_id=procedure.id,
                name=procedure.name.ja,
                department=procedure.department.ja,
                counter=procedure.counter,
                status=ProcedureStatus.DONE,
                updated_at=now,
                approved_at=now + timedelta(minutes=30),
            )
        )


def fill(engine: Engine, per_day: int, days: int) -> int:
    """Store the office's tickets; returns how many."""
    variety = plans(20)
    number = 0
    for offset in range(days):
        day = FIRST_DAY + timedelta(days=offset)
        opening = datetime(day.year, day.month, day.day, tzinfo=UTC)  # 09:00 in Tokyo
        with Session(engine) as session:
            for index in range(per_day):
                number += 1
                _store_ticket(
                    session, variety[number % len(variety)], number, opening + timedelta(minutes=3 * index)
                )
            session.commit()
    return number


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-day", type=int, default=100)
    parser.add_argument("--days", type=int, default=92)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        engine = make_engine(f"sqlite:///{Path(workdir) / 'central.db'}")
        tickets = fill(engine, args.per_day, args.days)
        last = FIRST_DAY + timedelta(days=args.days - 1)
        loads, computes = [], []
        for _ in range(args.runs):
            started = time.perf_counter()
            inputs = load_inputs(engine, [OFFICE], FIRST_DAY, last)
            loaded = time.perf_counter()
            report = compute(inputs)
            loads.append(loaded - started)
            computes.append(time.perf_counter() - loaded)
        engine.dispose()
    sizes = f"{len(inputs.events)} events, {len(inputs.procedures)} procedure rows"
    print(f"{tickets} tickets over {args.days} days, {sizes}")
    print(f"read the period's records: {min(loads):.2f} s (best of {args.runs})")
    shown = f"{len(report.days)} days, {len(report.procedures)} procedures"
    print(f"compute the figures:       {min(computes):.3f} s; {shown}")


if __name__ == "__main__":
    main()
