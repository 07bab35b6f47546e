"""A morning at office east worked through the queue's own service, with the clock in the test's hands; the
KPIs read from what the queue stored equal the figures worked out by hand.

Counters shimin → hoken_nenkin → kodomo, one desk each (times JST):
  K1 kiosk case, plan over all three counters (tennyu_todoke @shimin, kokuho_kanyu and nenkin @hoken_nenkin,
     jido_teate @kodomo; staff mark nenkin not needed), slip taken 09:00.
  W1 walk-in with priority (pregnancy), issued 09:02 for shimin; W2 walk-in issued 09:04 for shimin.
  09:05 shimin calls: W1 first (priority), serving 09:06, finished 09:10      W1: wait 4, service 4, stay 8
  09:10 shimin calls K1, serving 09:11, finished 09:20 → K1 joins hoken        K1 shimin: wait 11, service 9
  09:20 shimin calls W2; 09:22 no-show; back in the queue by itself 09:32 (10 minutes)
  09:25 hoken calls K1, serving 09:26, finished 09:41 → K1 joins kodomo        K1 hoken: wait 6, service 15
  09:33 shimin calls W2, serving 09:34; 09:40 transferred to kodomo        W2 shimin: wait 18 + 2, service 6
  09:45 kodomo calls W2 (it keeps its place in time), serving 09:46, finished 09:50   W2 kodomo: wait 6,
        service 4, stay 46
  09:50 kodomo calls K1, serving 09:52, finished 10:00                  K1 kodomo: wait 11, service 8, stay 60
Approvals: tennyu_todoke 09:30 (after-work 10), kokuho_kanyu 10:41 (60), jido_teate not yet.
K1's plan prefills 10 + 6 + 3 fields (nenkin's 4 do not count). Ratings: K1 9, W1 6.
"""

import random
from datetime import UTC, datetime
from pathlib import Path

import msgspec
import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from central.accounts.service import Staff
from central.db import make_engine
from central.kpi.figures import compute
from central.kpi.ratings import Recorded, record_rating
from central.kpi.source import load_inputs
from central.models import Case, CaseProcedure, Origin, ProcedureStatus, Role
from central.queue import service
from central.queue.models import Ticket
from central.queue.service import Desk
from procedures.forms import count_writing
from protocol.plan import FilledField, FilledForm, Plan, PlannedCounter, Text
from protocol.queue import status_token
from testbed.households import citizen
from tests.kpi.scripted_day import DAY, JST

OFFICE = "east"
COUNTERS = ["shimin", "hoken_nenkin", "kodomo"]
PROCEDURES = {
    "tennyu_todoke": ("shimin", 10),
    "kokuho_kanyu": ("hoken_nenkin", 6),
    "nenkin": ("hoken_nenkin", 4),
    "jido_teate": ("kodomo", 3),
}
STAFF = Staff("desk", Role.STAFF, frozenset({OFFICE}), frozenset(), "csrf")
CASE_ID = "0193f5c2-7d00-7000-8000-000000000001"


def at(clock: str) -> datetime:
    hours, minutes = (int(part) for part in clock.split(":"))
    return datetime(DAY.year, DAY.month, DAY.day, hours, minutes, tzinfo=JST).astimezone(UTC)


def _plan() -> Plan:
    text = Text("", "")
    forms = [
        FilledForm(
            f"{pid}.form",
            "form",
            pid,
            pid,
            None,
            [FilledField(f"f{index}", "氏名", "name", "applicant", "記入済") for index in range(count)],
        )
        for pid, (_, count) in PROCEDURES.items()
    ]
    counters = [
        PlannedCounter(
            counter,
            order,
            text,
            text,
            1,
            text,
            [pid for pid, (at_, _) in PROCEDURES.items() if at_ == counter],
        )
        for order, counter in enumerate(COUNTERS)
    ]
    return Plan(
        "sample_city",
        "test",
        "",
        "move_in",
        "ja",
        DAY.isoformat(),
        [],
        counters,
        [],
        forms,
        count_writing(forms),
    )


def _kiosk_case(engine: Engine) -> None:
    """K1 as central holds it once synced and prepared: the case, its plan and its procedure rows."""
    with Session(engine) as session:
        session.add(
            Case(
                id=CASE_ID,
                office_id=OFFICE,
                ticket="A001",
                origin=Origin.SYNC,
                life_event="move_in",
                language="ja",
                created_at=at("09:00"),
                updated_at=at("09:00"),
                prepared_at=at("09:00"),
                facts=msgspec.json.encode(citizen(random.Random(1), 1)).decode(),
                plan=msgspec.json.encode(_plan()).decode(),
            )
        )
        for pid, (counter, _) in PROCEDURES.items():
            session.add(
                CaseProcedure(
                    case_id=CASE_ID,
                    procedure_id=pid,
                    name=pid,
                    department="",
                    counter=counter,
                    status=ProcedureStatus.NOT_NEEDED if pid == "nenkin" else ProcedureStatus.WAITING,
                    updated_at=at("09:00"),
                )
            )
        session.commit()


def _approve(engine: Engine, procedure_id: str, clock: str) -> None:
    with Session(engine) as session:
        row = session.get(CaseProcedure, (CASE_ID, procedure_id))
        assert row is not None
        row.status, row.approved_at, row.approved_by = ProcedureStatus.DONE, at(clock), "boss"
        session.add(row)
        session.commit()


def _token(engine: Engine, ticket_id: int | None) -> str:
    with Session(engine) as session:
        return session.exec(select(Ticket.token).where(Ticket.id == ticket_id)).one()


def _work_the_morning(engine: Engine) -> tuple[int, int, int]:
    """Everything the desks do, in time order; returns the ids of K1, W1 and W2."""
    shimin, hoken, kodomo = (Desk(OFFICE, counter, "1") for counter in COUNTERS)
    _kiosk_case(engine)
    assert service.intake(engine, at("09:00")) == {OFFICE}
    w1 = service.issue(engine, STAFF, OFFICE, ["shimin"], "pregnancy", at("09:02"), COUNTERS)
    w2 = service.issue(engine, STAFF, OFFICE, ["shimin"], None, at("09:04"), COUNTERS)
    assert service.call_next(engine, STAFF, shimin, at("09:05")).id == w1.id  # priority first
    service.act(engine, STAFF, w1.id or 0, "serve", shimin, at("09:06"))
    service.act(engine, STAFF, w1.id or 0, "finish", shimin, at("09:10"))
    k1 = service.call_next(engine, STAFF, shimin, at("09:10"))
    assert k1.case_id == CASE_ID
    k1_id = k1.id or 0
    service.act(engine, STAFF, k1_id, "serve", shimin, at("09:11"))
    service.act(engine, STAFF, k1_id, "finish", shimin, at("09:20"))
    assert service.call_next(engine, STAFF, shimin, at("09:20")).id == w2.id
    service.act(engine, STAFF, w2.id or 0, "no_show", shimin, at("09:22"))
    assert service.call_next(engine, STAFF, hoken, at("09:25")).id == k1_id
    service.act(engine, STAFF, k1_id, "serve", hoken, at("09:26"))
    _approve(engine, "tennyu_todoke", "09:30")
    assert service.return_absent(engine, at("09:32")) == {OFFICE}
    assert service.call_next(engine, STAFF, shimin, at("09:33")).id == w2.id
    service.act(engine, STAFF, w2.id or 0, "serve", shimin, at("09:34"))
    service.transfer(engine, STAFF, w2.id or 0, Desk(OFFICE, "kodomo", ""), at("09:40"), COUNTERS)
    service.act(engine, STAFF, k1_id, "finish", hoken, at("09:41"))
    assert service.call_next(engine, STAFF, kodomo, at("09:45")).id == w2.id
    service.act(engine, STAFF, w2.id or 0, "serve", kodomo, at("09:46"))
    service.act(engine, STAFF, w2.id or 0, "finish", kodomo, at("09:50"))
    assert service.call_next(engine, STAFF, kodomo, at("09:50")).id == k1_id
    service.act(engine, STAFF, k1_id, "serve", kodomo, at("09:52"))
    service.act(engine, STAFF, k1_id, "finish", kodomo, at("10:00"))
    _approve(engine, "kokuho_kanyu", "10:41")
    return k1_id, w1.id or 0, w2.id or 0


def test_the_queues_own_events_give_the_hand_computed_figures(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'central.db'}")
    k1, w1, _ = _work_the_morning(engine)
    assert _token(engine, k1) == status_token(CASE_ID)
    for ticket_id, score in ((k1, 9), (w1, 6)):
        assert record_rating(engine, _token(engine, ticket_id), score, at("10:30")) is Recorded.RECORDED
    report = compute(load_inputs(engine, [OFFICE], DAY, DAY))
    (day,) = report.days
    assert (day.office_id, day.day, day.tickets, day.cases_handled) == (OFFICE, DAY, 3, 3)
    assert day.stay_minutes == (60 + 8 + 46) / 3
    assert day.wait_minutes == (4 + 11 + 20 + 6 + 6 + 11) / 6
    assert day.service_minutes == (4 + 9 + 6 + 15 + 4 + 8) / 6
    assert (day.after_work_minutes, day.after_work_pending) == ((10 + 60) / 2, 1)
    assert (day.no_shows, day.transfers) == (1, 1)
    assert day.fields_prefilled == 19  # 10 + 6 + 3 on K1's forms; the walk-ins have none
    assert day.fields_prefilled_per_case == pytest.approx(19 / 3)
    assert (day.ratings, day.satisfaction, day.satisfied_percent) == (2, 7.5, 50.0)
    by_id = {row.procedure_id: row for row in report.procedures}
    assert set(by_id) == {"tennyu_todoke", "kokuho_kanyu", "jido_teate"}  # nenkin was not needed
    assert [
        (by_id[pid].visits, by_id[pid].wait_minutes, by_id[pid].service_minutes)
        for pid in ("tennyu_todoke", "kokuho_kanyu", "jido_teate")
    ] == [(1, 11.0, 9.0), (1, 6.0, 15.0), (1, 11.0, 8.0)]
    assert by_id["jido_teate"].after_work_pending == 1
    engine.dispose()


def test_stored_events_carry_what_the_kpis_read(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'central.db'}")
    k1, _, w2 = _work_the_morning(engine)
    events = load_inputs(engine, [OFFICE], DAY, DAY).events
    transfer = next(event for event in events if event.kind == "transferred")
    assert (transfer.ticket_id, transfer.counter) == (str(w2), "kodomo")  # where it went
    moves = [event for event in events if event.ticket_id == str(k1) and event.kind == "moved"]
    assert [(event.counter, event.procedures) for event in moves] == [
        ("hoken_nenkin", ("kokuho_kanyu", "nenkin")),
        ("kodomo", ("jido_teate",)),
    ]
    assert [event.kind for event in events if event.ticket_id == str(w2)].count("no_show") == 1
    engine.dispose()
