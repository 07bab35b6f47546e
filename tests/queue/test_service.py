"""The queue service on a real SQLite database, with the clock in the test's hands: no-shows come back after
their minutes, the third ends the ticket, a transfer to another office renumbers, estimates need history."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session, select

from central.accounts.service import Staff
from central.db import make_engine
from central.models import Role
from central.queue import service
from central.queue.estimates import MIN_VISITS, Estimator, Step, visits
from central.queue.models import Ticket
from central.queue.service import Desk
from central.queue.snapshot import CounterName, office_queue
from central.queue.status import ticket_status

NOON = datetime(2026, 11, 30, 3, 0, tzinfo=UTC)  # 12:00 in Tokyo
COUNTERS = ["shimin", "mynumber"]
STAFF = Staff("desk", Role.STAFF, frozenset({"east", "west"}), frozenset(), "csrf")
DESK = Desk("east", "shimin", "1")


def _engine(tmp_path: Path) -> Engine:
    return make_engine(f"sqlite:///{tmp_path / 'queue.db'}")


def _ticket(engine: Engine, ticket_id: int | None) -> Ticket:
    with Session(engine) as session:
        found = session.get(Ticket, ticket_id)
        assert found is not None
        return found


def test_a_no_show_comes_back_after_its_minutes_and_the_third_ends_it(tmp_path: Path) -> None:
    engine = _engine(tmp_path)
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


def test_a_transfer_to_another_office_takes_a_free_number_there(tmp_path: Path) -> None:
    engine = _engine(tmp_path)
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


def test_estimates_need_history_then_follow_the_medians(tmp_path: Path) -> None:
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
    # three ahead, one desk busy (half a visit left), two desks open
    assert (
        estimator.wait_seconds("shimin", [["tennyu"]] * 3, busy_desks=1, open_desks=2) == (3 * 360 + 180) / 2
    )


def test_status_of_a_waiting_ticket_says_how_many_are_ahead(tmp_path: Path) -> None:
    engine = _engine(tmp_path)
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
