"""The queue service on a real SQLite database, with the clock in the test's hands: no-shows come back after
their minutes, the third ends the ticket, a transfer to another office renumbers, estimates need history."""

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import msgspec
import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from central.accounts.service import Staff
from central.db import make_engine
from central.errors import ActionRefusedError
from central.models import Case, Origin, Role
from central.queue import service
from central.queue.estimates import MIN_VISITS, OVERRUN_SHARE, Estimator, Step, visits
from central.queue.models import Ticket
from central.queue.service import Desk
from central.queue.snapshot import CounterName, office_queue
from central.queue.status import ticket_status
from protocol.ids import uuid7
from protocol.queue import status_token
from testbed.households import PLANNER, citizen
from testbed.postgres import PrivatePostgres

NOON = datetime(2026, 11, 30, 3, 0, tzinfo=UTC)  # 12:00 in Tokyo
COUNTERS = ["shimin", "mynumber"]
STAFF = Staff("desk", Role.STAFF, frozenset({"east", "west"}), frozenset(), "csrf")
DESK = Desk("east", "shimin", "1")


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each test on SQLite and on PostgreSQL (a fresh database of the session's private cluster)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'queue.db'}"
    cluster: PrivatePostgres = request.getfixturevalue("postgres")
    return cluster.database()


def _engine(url: str) -> Engine:
    return make_engine(url)


def _ticket(engine: Engine, ticket_id: int | None) -> Ticket:
    with Session(engine) as session:
        found = session.get(Ticket, ticket_id)
        assert found is not None
        return found


def test_a_no_show_comes_back_after_its_minutes_and_the_third_ends_it(database: str) -> None:
    engine = _engine(database)
    ticket = service.issue(engine, STAFF, "east", ["shimin"], None, NOON, COUNTERS)
    now = NOON
    for attempt in range(1, service.MAX_NO_SHOWS):
        service.call_next(engine, STAFF, DESK, now)
        service.act(engine, STAFF, ticket.id or 0, "no_show", DESK, now)
        assert _ticket(engine, ticket.id).state == "absent"
        assert service.return_absent(engine, now + timedelta(minutes=service.NO_SHOW_MINUTES - 1)) == set()
        now += timedelta(minutes=service.NO_SHOW_MINUTES)
        assert service.return_absent(engine, now) == {"east"}
        assert (_ticket(engine, ticket.id).state, _ticket(engine, ticket.id).no_shows) == ("waiting", attempt)
    service.call_next(engine, STAFF, DESK, now)
    service.act(engine, STAFF, ticket.id or 0, "no_show", DESK, now)
    assert _ticket(engine, ticket.id).state == "done"


def test_a_transfer_to_another_office_takes_a_free_number_there(database: str) -> None:
    engine = _engine(database)
    moving = service.issue(engine, STAFF, "east", ["shimin"], None, NOON, COUNTERS)
    staying = service.issue(engine, STAFF, "west", ["mynumber"], None, NOON, COUNTERS)
    assert moving.number == staying.number == "W001"
    changed = service.transfer(engine, STAFF, moving.id or 0, Desk("west", "mynumber", ""), NOON, COUNTERS)
    assert changed == {"east", "west"}
    moved = _ticket(engine, moving.id)
    assert (moved.office_id, moved.counter, moved.number, moved.state) == (
        "west",
        "mynumber",
        "W001-2",
        "waiting",
    )
    with Session(engine) as session:
        state = office_queue(session, "west", [CounterName("mynumber", "マイナンバー", "My Number")], NOON)
    assert state.counters[0].next == ["W001-2", "W001"]  # it keeps its place in time: it was issued first


def test_estimates_need_history_then_follow_the_medians() -> None:
    steps = []
    for number in range(MIN_VISITS):
        called = NOON + timedelta(minutes=10 * number)
        steps += [
            Step(number, "shimin", "called", called, ("tennyu",)),
            Step(number, "shimin", "done_at_counter", called + timedelta(minutes=6), ("tennyu",)),
        ]
    assert not Estimator.of(visits(steps[:-2])).knows("shimin")
    estimator = Estimator.of(visits(steps))
    assert estimator.service_seconds("shimin", ["tennyu"]) == 360
    assert estimator.service_seconds("shimin", ["unknown"]) == 360  # the counter's median visit
    # three ahead, one desk busy that just called, one desk free: the desks take them in turn
    assert estimator.wait_seconds("shimin", [["tennyu"]] * 3, [(["tennyu"], 0.0)], open_desks=2) == 720
    assert estimator.wait_seconds("shimin", [], [(["tennyu"], 60.0)], open_desks=2) == 0  # a desk is free
    assert estimator.wait_seconds("shimin", [], [(["tennyu"], 60.0)], open_desks=1) == 300
    overrun = estimator.wait_seconds("shimin", [], [(["tennyu"], 1000.0)], open_desks=1)
    assert overrun == pytest.approx(360 * OVERRUN_SHARE)  # past its expected time: still a little left


def test_status_of_a_waiting_ticket_says_how_many_are_ahead(database: str) -> None:
    engine = _engine(database)
    first = service.issue(engine, STAFF, "east", ["shimin", "mynumber"], None, NOON, COUNTERS)
    second = service.issue(engine, STAFF, "east", ["shimin"], "pregnancy", NOON, COUNTERS)
    status = ticket_status(engine, first.token, NOON)
    assert status is not None
    assert (status.state, status.ahead, status.next_counters, status.wait_minutes) == (
        "waiting",
        1,  # the priority ticket goes first
        ["mynumber"],
        None,  # no history yet
    )
    assert ticket_status(engine, "0" * 16) is None
    assert ticket_status(engine, second.number) is None  # the number is not the key
    with Session(engine) as session:
        assert len(session.exec(select(Ticket)).all()) == 2


def test_the_day_is_the_citys_day(database: str) -> None:
    engine = _engine(database)
    early = datetime(2026, 11, 29, 23, 30, tzinfo=UTC)  # 08:30 on the 30th in Tokyo, still the 29th in UTC
    service.issue(engine, STAFF, "east", ["shimin"], None, early, COUNTERS)
    called = service.call_next(engine, STAFF, DESK, early)
    assert str(called.day) == "2026-11-30"
    with Session(engine) as session:
        state = office_queue(session, "east", [CounterName("shimin", "市民課", "Citizens")], early)
    assert [call.ticket for call in state.calls] == ["W001"]
    assert state.calls[0].at == "2026-11-30T08:30:00+09:00"


def _case(case_id: str, plan: str, created_at: datetime, ticket: str = "A001") -> Case:
    return Case(
        id=case_id,
        office_id="east",
        ticket=ticket,
        origin=Origin.SYNC,
        life_event="move_in",
        language="ja",
        created_at=created_at,
        updated_at=created_at,
        prepared_at=created_at,
        facts="{}",
        plan=plan,
    )


def test_intake_issues_todays_planned_cases_once_with_unique_numbers(database: str) -> None:
    engine = _engine(database)
    plan = msgspec.json.encode(PLANNER(citizen(random.Random(1), 1))).decode()
    first, second = str(uuid7()), str(uuid7())
    with Session(engine) as session:
        session.add(_case(first, plan, NOON - timedelta(minutes=5)))
        session.add(_case(second, plan, NOON - timedelta(minutes=4)))  # another unit printed A001 too
        session.add(_case(str(uuid7()), "null", NOON))  # no plan: nothing to route
        session.add(_case(str(uuid7()), plan, NOON - timedelta(days=1)))  # yesterday's
        session.commit()
    assert service.intake(engine, NOON) == {"east"}
    assert service.intake(engine, NOON) == set()  # once
    with Session(engine) as session:
        issued = {ticket.case_id: ticket for ticket in session.exec(select(Ticket))}
    assert set(issued) == {first, second}
    assert (issued[first].number, issued[second].number) == ("A001", "A001-2")
    assert issued[second].printed == "A001"
    assert issued[first].token == status_token(first)
    assert issued[first].counter == "shimin"


def test_staff_give_a_kiosk_ticket_priority_and_take_it_back(database: str) -> None:
    engine = _engine(database)
    first = service.issue(engine, STAFF, "east", ["shimin"], None, NOON, COUNTERS)
    second = service.issue(engine, STAFF, "east", ["shimin"], None, NOON, COUNTERS)
    names = [CounterName("shimin", "市民課", "Citizens")]

    def order() -> list[str]:
        with Session(engine) as session:
            return office_queue(session, "east", names, NOON).counters[0].next

    assert order() == ["W001", "W002"]
    assert service.set_priority(engine, STAFF, second.id or 0, "pregnancy", NOON) == {"east"}
    assert order() == ["W002", "W001"]
    with pytest.raises(ActionRefusedError):
        service.set_priority(engine, STAFF, first.id or 0, "vip", NOON)
    service.set_priority(engine, STAFF, second.id or 0, None, NOON)
    assert order() == ["W001", "W002"]
