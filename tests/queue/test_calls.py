"""Every call action on the running central: what it does to the ticket, its events and the published state.

The published state is read back from the broker (retained on the office's queue topic), where displays
driven by counter units read it; the in-process hub gets the same struct first.
"""

from collections.abc import Iterator

import httpx
import pytest

from tests.queue.support import counter, events, published_after, retained, tickets
from tests.staff.support import StaffCentral, StaffClient, login

OFFICE = "calls"


@pytest.fixture(scope="module")
def desk(queue_central: StaffCentral) -> Iterator[StaffClient]:
    client = login(queue_central, "desk_staff")
    yield client
    client.http.close()


def _post(client: StaffClient, path: str, form: dict[str, str], status: int = 303) -> None:
    response = client.post_form(path, form)
    assert response.status_code == status, response.text


def _issue(client: StaffClient, counter_id: str, priority: str = "") -> None:
    form = {"office": OFFICE, "counters": counter_id, "priority": priority}
    _post(client, f"/staff/queue/{counter_id}/issue", form)


def _act(client: StaffClient, ticket_id: int | None, action: str, desk: str = "1", **extra: str) -> None:
    form = {"office": OFFICE, "counter": "shimin", "desk": desk, **extra}
    _post(client, f"/staff/queue/tickets/{ticket_id}/{action}", form)


def _seq(central: StaffCentral) -> int:
    state = retained(central, OFFICE)
    return state.seq if state else 0


def test_every_call_action_changes_the_ticket_and_the_published_state(
    queue_central: StaffCentral, desk: StaffClient
) -> None:
    central = queue_central
    _issue(desk, "shimin")
    _issue(desk, "shimin", priority="elderly")
    _issue(desk, "shimin")
    state = published_after(central, OFFICE, 0)
    assert counter(state, "shimin") == (3, ["W002", "W001", "W003"])  # the priority ticket first
    numbers = tickets(central, OFFICE)
    first, elderly, third = numbers["W001"], numbers["W002"], numbers["W003"]

    seq = state.seq  # next: the priority ticket is called to desk 1
    _post(desk, "/staff/queue/shimin/next", {"office": OFFICE, "desk": "1"})
    state = published_after(central, OFFICE, seq)
    assert (state.calls[0].ticket, state.calls[0].desk, state.calls[0].recall) == ("W002", "1", False)
    assert counter(state, "shimin") == (2, ["W001", "W003"])
    assert tickets(central, OFFICE)["W002"].state == "called"

    seq, call_id = state.seq, state.calls[0].call_id  # recall: a new call, marked as a recall
    _act(desk, elderly.id, "recall")
    state = published_after(central, OFFICE, seq)
    assert state.calls[0].ticket == "W002"
    assert state.calls[0].recall
    assert state.calls[0].call_id != call_id

    seq = state.seq  # no-show: out of the queue for a while, the desk is free
    _act(desk, elderly.id, "no_show")
    state = published_after(central, OFFICE, seq)
    absent = tickets(central, OFFICE)["W002"]
    assert (absent.state, absent.desk, absent.no_shows) == ("absent", None, 1)
    assert absent.back_at is not None
    assert counter(state, "shimin") == (2, ["W001", "W003"])

    seq = state.seq  # return: back at its old place, which is first (priority)
    _act(desk, elderly.id, "return")
    state = published_after(central, OFFICE, seq)
    assert counter(state, "shimin") == (3, ["W002", "W001", "W003"])

    seq = state.seq  # serve out of order: W003 to desk 2, ahead of the others
    _act(desk, third.id, "call", desk="2")
    state = published_after(central, OFFICE, seq)
    assert (state.calls[0].ticket, state.calls[0].desk) == ("W003", "2")
    assert counter(state, "shimin") == (2, ["W002", "W001"])

    seq = state.seq  # serving, then done here: W003's route ends at this counter
    _act(desk, third.id, "serve", desk="2")
    _act(desk, third.id, "finish", desk="2")
    state = published_after(central, OFFICE, seq)
    assert tickets(central, OFFICE)["W003"].state == "done"
    assert events(central, third.id or 0) == ["issued", "called", "serving", "done_at_counter", "ended"]

    seq = state.seq  # park: set aside, out of the queue until returned
    _act(desk, first.id, "park")
    state = published_after(central, OFFICE, seq)
    assert counter(state, "shimin") == (1, ["W002"])
    assert tickets(central, OFFICE)["W001"].state == "parked"

    seq = state.seq  # transfer: waits at the My Number Card desk now
    _act(desk, first.id, "transfer", to_counter="mynumber")
    state = published_after(central, OFFICE, seq)
    assert counter(state, "mynumber") == (1, ["W001"])
    assert counter(state, "shimin") == (1, ["W002"])

    seq = state.seq  # end: out of every queue
    _act(desk, first.id, "end")
    state = published_after(central, OFFICE, seq)
    assert counter(state, "mynumber") == (0, [])
    assert events(central, first.id or 0) == ["issued", "parked", "transferred", "ended"]
    assert events(central, elderly.id or 0) == ["issued", "called", "recalled", "no_show", "returned"]


def test_refusals_change_nothing(queue_central: StaffCentral, desk: StaffClient) -> None:
    office = "refusals"
    _post(desk, "/staff/queue/shimin/issue", {"office": office, "counters": "shimin"})
    _post(desk, "/staff/queue/shimin/next", {"office": office, "desk": "1"})
    called = tickets(queue_central, office)["W001"]
    before = events(queue_central, called.id or 0)
    # the desk still has a ticket, the queue is empty, a ticket in the wrong state, a bad action or place
    _post(desk, "/staff/queue/shimin/next", {"office": office, "desk": "1"}, status=409)
    _post(desk, "/staff/queue/shimin/next", {"office": office, "desk": "2"}, status=409)
    _post(
        desk, f"/staff/queue/tickets/{called.id}/return", {"office": office, "counter": "shimin"}, status=409
    )
    _post(
        desk, f"/staff/queue/tickets/{called.id}/explode", {"office": office, "counter": "shimin"}, status=404
    )
    form = {"office": office, "counter": "shimin", "to_counter": "nowhere"}
    _post(desk, f"/staff/queue/tickets/{called.id}/transfer", form, status=409)
    _post(desk, "/staff/queue/nowhere/issue", {"office": office, "counters": "nowhere"}, status=409)
    _post(desk, "/staff/queue/shimin/issue", {"office": office, "counters": "shimin", "priority": "vip"}, 409)
    assert desk.http.get("/staff/queue/tickets/x/recall").status_code in (404, 405)
    for huge in (2**64, 10**27):  # beyond what the database stores: a clear 400, never a 500
        for path in ("recall", "priority", "transfer"):
            _post(desk, f"/staff/queue/tickets/{huge}/{path}", {"office": office, "counter": "shimin"}, 400)
    other = login(queue_central, "other_staff")  # another office's user may not touch it
    response = other.post_form(
        f"/staff/queue/tickets/{called.id}/recall", {"office": "elsewhere", "counter": "shimin"}
    )
    assert response.status_code == 403
    assert events(queue_central, called.id or 0) == before
    assert tickets(queue_central, office)["W001"].state == "called"


def test_call_screen_shows_the_queue(queue_central: StaffCentral, desk: StaffClient) -> None:
    _post(desk, "/staff/queue/shimin/issue", {"office": "screen", "counters": "shimin"})
    page = desk.http.get("/staff/queue/shimin", params={"office": "screen", "desk": "1"})
    assert page.status_code == 200
    assert "W001" in page.text
    assert "市民課" in page.text
    assert desk.http.get("/staff/queue/nowhere", params={"office": "screen"}).status_code == 404
    assert desk.http.get("/staff/queue/shimin", params={"office": "elsewhere"}).status_code == 404
    anonymous = httpx.get(f"{queue_central.url}/staff/queue/shimin", timeout=10)
    assert anonymous.status_code == 302  # to the login page
    assert anonymous.headers["location"].startswith("/staff/login")
