"""The ticket follows the citizen along the plan: one ticket, every counter of the plan in visiting order."""

import random

import msgspec

from central.db import make_engine
from central.queue.status import ticket_status
from protocol.facts import Facts
from protocol.queue import OfficeQueue, status_token
from testbed.households import PLANNER, answered, citizen
from tests.queue.support import counter, events, published_where, tickets
from tests.spine.helpers import wait_until
from tests.staff.support import StaffCentral, StaffClient, login, wait_for_case

OFFICE = "route"


def three_counter_household() -> Facts:
    """A move-in whose plan visits the citizens', the insurance and the children's counters."""
    facts = citizen(random.Random(3), 3)
    return answered(msgspec.structs.replace(facts, answers={**facts.answers, "nhi_members": ["0"]}))


def test_a_three_counter_case_moves_through_every_counter_with_one_ticket(
    queue_central: StaffCentral,
) -> None:
    facts = three_counter_household()
    route = [stop.id for stop in PLANNER(facts).visiting_order()]
    assert route == ["shimin", "hoken_nenkin", "kodomo"]
    desk = login(queue_central, "desk_staff")
    case_id = queue_central.sync(facts, OFFICE)
    wait_for_case(desk, case_id)
    wait_until(lambda: len(tickets(queue_central, OFFICE)) == 1, timeout=30, what="the kiosk ticket issued")
    (number, ticket), *_ = tickets(queue_central, OFFICE).items()
    assert (ticket.case_id, ticket.printed, ticket.token) == (case_id, number, status_token(case_id))
    engine = make_engine(f"sqlite:///{queue_central.data_dir / 'central.db'}")
    status = ticket_status(engine, ticket.token)
    assert status is not None
    assert (status.state, status.counter, status.ahead, status.next_counters) == (
        "waiting",
        "shimin",
        0,
        ["hoken_nenkin", "kodomo"],
    )

    plan = PLANNER(facts).visiting_order()
    for here, following in zip(route, [*route[1:], None], strict=True):
        _serve_at(queue_central, desk, here, number)
        if here == "hoken_nenkin":  # staff finish the procedures on the case page: the ticket moves by itself
            for procedure in plan[1].procedures:
                path = f"/staff/cases/{case_id}/procedures/{procedure}/status"
                assert desk.post_form(path, {"status": "done"}).status_code == 303
        else:  # staff press 終了 on the call screen
            form = {"office": OFFICE, "counter": here, "desk": "1"}
            assert desk.post_form(f"/staff/queue/tickets/{ticket.id}/finish", form).status_code == 303
        _left(queue_central, here, number)
        assert tickets(queue_central, OFFICE)[number].counter == following
    assert tickets(queue_central, OFFICE)[number].state == "done"
    kinds = events(queue_central, ticket.id or 0)
    assert kinds == [
        "issued",
        *["called", "done_at_counter", "moved"] * 2,
        "called",
        "done_at_counter",
        "ended",
    ]
    final = ticket_status(engine, ticket.token)
    assert final is not None
    assert (final.state, final.counter, final.next_counters) == ("done", None, [])
    engine.dispose()


def _serve_at(central: StaffCentral, desk: StaffClient, here: str, number: str) -> None:
    """Wait until the ticket is the only one waiting at `here`, then call it there."""

    def waiting_here(state: OfficeQueue) -> bool:
        return counter(state, here) == (1, [number])

    published_where(central, OFFICE, waiting_here)
    response = desk.post_form(f"/staff/queue/{here}/next", {"office": OFFICE, "desk": "1"})
    assert response.status_code == 303, response.text


def _left(central: StaffCentral, here: str, number: str) -> None:
    def moved() -> bool:
        return tickets(central, OFFICE)[number].counter != here

    wait_until(moved, timeout=30, what=f"the ticket to leave {here}")
