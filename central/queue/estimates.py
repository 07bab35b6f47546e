"""Wait estimates from recent service times, per counter and procedure.

Method: a *visit* is one ticket's time at one counter, from its call to `done_at_counter`. Each visit's time
is split evenly over the procedures done in it; the median of those shares over the last `WINDOW` visits is a
procedure's expected time at that counter (the counter's median visit for a procedure with no history yet).
A ticket's expected service time at a counter is the sum over its procedures there. The expected wait plays
the queue forward: each desk frees when its current visit is expected to end (its expected time minus the
time already spent, at least a fifth of it), each ticket ahead goes to the desk that frees first, and the
ticket's turn comes when the next desk frees. Medians, because one long visit (a complicated household) must
not move every estimate. Until a counter has `MIN_VISITS` visits the estimate is None: the page then says
nothing rather than something wrong. `python -m bench.waits` measures its error against simulated days.
"""

import heapq
import statistics
from collections import defaultdict, deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

WINDOW = 30
"""Recent visits per counter (and per procedure) the medians are taken over."""
MIN_VISITS = 5
"""Visits a counter needs before it gets an estimate."""
OPEN_DESK_MINUTES = 30
OVERRUN_SHARE = 0.2
"""A visit already past its expected time is still expected to last this share of it."""
"""A desk counts as open while it called or finished a ticket within this many minutes."""


@dataclass(frozen=True, slots=True)
class Visit:
    """One ticket served at one counter: when it was called, for how long, for which procedures."""

    counter: str
    procedures: tuple[str, ...]
    called_at: datetime
    seconds: float


@dataclass(frozen=True, slots=True)
class Step:
    """One event as the estimator needs it (central/queue/models.py TicketEvent, trimmed)."""

    ticket_id: int
    counter: str | None
    kind: str
    at: datetime
    procedures: tuple[str, ...]


def visits(steps: Iterable[Step]) -> list[Visit]:
    """Pair each `done_at_counter` with the ticket's latest call at that counter; oldest first."""
    called: dict[tuple[int, str], datetime] = {}
    found: list[Visit] = []
    for step in sorted(steps, key=lambda item: item.at):
        if step.counter is None:
            continue
        key = (step.ticket_id, step.counter)
        if step.kind == "called":
            called[key] = step.at
        elif step.kind == "done_at_counter" and key in called:
            start = called.pop(key)
            found.append(Visit(step.counter, step.procedures, start, (step.at - start).total_seconds()))
    return found


@dataclass(slots=True)
class Estimator:
    """Medians of recent visits per counter and per (counter, procedure)."""

    per_counter: dict[str, deque[float]] = field(
        default_factory=lambda: defaultdict(lambda: deque(maxlen=WINDOW))
    )
    per_procedure: dict[tuple[str, str], deque[float]] = field(
        default_factory=lambda: defaultdict(lambda: deque(maxlen=WINDOW))
    )

    @classmethod
    def of(cls, history: Iterable[Visit]) -> "Estimator":
        """An estimator that learned from these visits, in the order given (oldest first)."""
        estimator = cls()
        for visit in history:
            estimator.learn(visit)
        return estimator

    def learn(self, visit: Visit) -> None:
        """Take one finished visit into account (the oldest one of a full window drops out)."""
        self.per_counter[visit.counter].append(visit.seconds)
        share = visit.seconds / max(len(visit.procedures), 1)
        for procedure in visit.procedures:
            self.per_procedure[visit.counter, procedure].append(share)

    def knows(self, counter: str) -> bool:
        """Whether the counter has enough history for an estimate."""
        return len(self.per_counter.get(counter, ())) >= MIN_VISITS

    def service_seconds(self, counter: str, procedures: Sequence[str]) -> float | None:
        """Expected time at the desk for a ticket with these procedures; None without enough history."""
        if not self.knows(counter):
            return None
        typical = statistics.median(self.per_counter[counter])
        if not procedures:
            return typical
        return sum(
            statistics.median(shares) if (shares := self.per_procedure.get((counter, procedure))) else typical
            for procedure in procedures
        )

    def wait_seconds(
        self,
        counter: str,
        ahead: Sequence[Sequence[str]],
        in_service: Sequence[tuple[Sequence[str], float]],
        open_desks: int,
    ) -> float | None:
        """Expected wait until called, for a ticket with these tickets' procedures ahead of it, while these
        (procedures, seconds since called) are at desks: the desks take the queue in order, each ticket to
        the desk that frees first, and the ticket's turn is when a desk frees after the last one ahead."""
        if not self.knows(counter):
            return None
        free = [
            max(expected - elapsed, expected * OVERRUN_SHARE)
            for procedures, elapsed in in_service
            if (expected := self.service_seconds(counter, procedures)) is not None
        ]
        free += [0.0] * max(open_desks - len(free), 0)
        if not free:
            return None
        heapq.heapify(free)
        for procedures in ahead:
            heapq.heappush(free, heapq.heappop(free) + (self.service_seconds(counter, procedures) or 0.0))
        return free[0]


def minutes(seconds: float | None) -> int | None:
    """Whole minutes, rounded up (a display never promises less than it expects)."""
    return None if seconds is None else int(-(-seconds // 60))
