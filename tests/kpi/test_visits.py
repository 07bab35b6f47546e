"""How one ticket's events become counter visits: which states count as wait, which as service, which as
neither, and where a visit ends."""

from central.kpi.records import EventKind, TicketEvent
from central.kpi.visits import fold
from tests.kpi.scripted_day import at


def _events(*steps: tuple[str, EventKind, str | None]) -> list[TicketEvent]:
    return [TicketEvent("T", "honcho", kind, at(clock), counter, "C") for clock, kind, counter in steps]


def test_parked_and_called_time_is_wait_and_time_away_is_not() -> None:
    history = fold(
        _events(
            ("10:00", "issued", "shimin"),
            ("10:02", "priority", "shimin"),  # staff give it priority: it still waits
            ("10:05", "called", "shimin"),
            ("10:06", "recalled", "shimin"),  # a recall adds nothing but its call
            ("10:07", "no_show", "shimin"),
            ("10:17", "returned", "shimin"),  # 10 min away: not wait
            ("10:20", "called", "shimin"),
            ("10:21", "parked", "shimin"),  # set aside by staff: the citizen waits for the office
            ("10:31", "called", "shimin"),
            ("10:32", "serving", "shimin"),
            ("10:40", "done_at_counter", "shimin"),
            ("10:40", "ended", "shimin"),
        )
    )
    assert history is not None
    (visit,) = history.visits
    assert visit.wait.total_seconds() / 60 == 7 + 3 + 1 + 10 + 1
    assert visit.service.total_seconds() / 60 == 8
    assert (visit.served, visit.finished_at, history.no_shows, history.last_done) == (
        True,
        at("10:40"),
        1,
        at("10:40"),
    )


def test_a_ticket_moved_on_without_a_done_leaves_its_counter_then() -> None:
    history = fold(
        _events(
            ("09:00", "issued", "shimin"),
            ("09:05", "called", "shimin"),
            ("09:06", "serving", "shimin"),
            ("09:16", "moved", "kodomo"),
            ("09:30", "called", "kodomo"),
        )
    )
    assert history is not None
    first, second = history.visits
    assert (first.counter, first.service.total_seconds(), first.finished_at) == ("shimin", 600, at("09:16"))
    assert (second.counter, second.wait.total_seconds(), second.finished_at, second.served) == (
        "kodomo",
        14 * 60,
        None,  # still there when the records end
        False,
    )
    assert history.last_done is None


def test_events_before_the_issue_and_a_ticket_never_issued_are_ignored() -> None:
    assert fold(_events(("09:00", "called", "shimin"))) is None
    history = fold(_events(("09:10", "issued", "shimin"), ("09:00", "called", "shimin")))  # sorted by time
    assert history is not None
    assert history.issued_at == at("09:10")
    assert history.visits[0].wait.total_seconds() == 0
