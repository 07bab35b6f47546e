"""How wrong are the wait estimates? A simulated office, measured against what actually happened.

Households come from the real navigator (move-ins with and without children, insurance, water), so each
ticket's route and procedures are a plan's. Service times follow the seeds: Ibusuki measured 409 s per
procedure on average at the counter (seed 002, 効果検証), so each procedure gets its own typical time around
that (guidance, 案内, a minute) and each visit a log-normal spread around it; arrivals are Poisson with a
late-morning peak, sized so that the simulated stay (arrival to the last counter done) lands near Kumamoto's
119 minutes before its reform (seed 001, 窓口滞在時間). Each time a ticket joins a counter's queue the bench
asks central's estimator (central/queue/estimates.py, fed only with the visits finished by then) for its
wait, and later compares with the wait that happened. It prints MAE and p90 of the absolute error, in
minutes, for the estimator and for the naive baseline (the counter's median visit × tickets ahead ÷ desks,
procedures ignored), both on the same simulated days.

    .venv/bin/python -m bench.waits [--days 5] [--seed 12]
"""

import argparse
import heapq
import itertools
import math
import random
import statistics
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import msgspec

from central.queue.estimates import Estimator, Visit
from protocol.plan import Plan
from testbed.households import PLANNER, answered, citizen

IBUSUKI_SECONDS_PER_PROCEDURE = 409.0
GUIDANCE_SECONDS = 60.0
SPREAD = 0.45
"""σ of the log-normal service time around a procedure's typical time."""
DESKS = {"shimin": 4, "hoken_nenkin": 2, "kodomo": 2}
WALK_SECONDS = 120.0
OPEN_HOURS = (9.0, 16.0)
ARRIVALS_PER_HOUR = 18.0
"""Mean over the day; the peak (10:00-12:00) gets 1.5× this."""
KUMAMOTO_STAY_MINUTES = 119


def routes(rng: random.Random, count: int) -> list[list[tuple[str, tuple[str, ...]]]]:
    """Routes of `count` distinct-looking move-in households, as the navigator plans them."""
    variants: list[Plan] = []
    for serial in range(count):
        facts = citizen(rng, serial)
        answers = dict(facts.answers)
        if rng.random() < 0.4:
            answers["nhi_members"] = ["0"]
        if rng.random() < 0.3:
            answers["water"] = True
        household = facts.household if rng.random() < 0.6 else []
        variants.append(
            PLANNER(answered(msgspec.structs.replace(facts, answers=answers, household=household)))
        )
    return [[(stop.id, tuple(stop.procedures)) for stop in plan.visiting_order()] for plan in variants]


def typical_seconds(rng: random.Random, procedures: set[str]) -> dict[str, float]:
    """Each procedure's typical time at the desk: around Ibusuki's mean, a minute for guidance."""
    return {
        procedure: GUIDANCE_SECONDS
        if procedure.endswith("annai")
        else rng.uniform(0.5, 1.5) * IBUSUKI_SECONDS_PER_PROCEDURE
        for procedure in sorted(procedures)
    }


@dataclass(order=True)
class Event:
    at: float
    order: int
    kind: str = field(compare=False)
    ticket: int = field(compare=False)


@dataclass
class Ticket:
    route: list[tuple[str, tuple[str, ...]]]
    arrived: float
    stop: int = 0
    joined: float = 0.0
    estimate: float | None = None
    naive: float | None = None


@dataclass
class Counter:
    desks: int
    queue: deque[int] = field(default_factory=deque)
    serving: dict[int, tuple[tuple[str, ...], float]] = field(default_factory=dict)
    """Tickets at a desk: their procedures and when their visit started."""
    visits: deque[float] = field(default_factory=lambda: deque(maxlen=30))


@dataclass
class Errors:
    estimator: list[float] = field(default_factory=list)
    naive: list[float] = field(default_factory=list)
    waits: list[float] = field(default_factory=list)
    stays: list[float] = field(default_factory=list)


def _arrivals(rng: random.Random) -> list[float]:
    times, now = [], OPEN_HOURS[0] * 3600
    while now < OPEN_HOURS[1] * 3600:
        rate = ARRIVALS_PER_HOUR * (1.5 if 10 <= now / 3600 < 12 else 0.85) / 3600
        now += rng.expovariate(rate)
        times.append(now)
    return times[:-1]


def simulate_day(
    rng: random.Random,
    plans: list[list[tuple[str, tuple[str, ...]]]],
    typical: dict[str, float],
    estimator: Estimator,
    errors: Errors,
) -> None:
    """One day at the office; the estimator keeps what it learned (it carries history across days)."""
    start = datetime(2026, 4, 1, tzinfo=UTC)
    counters = {name: Counter(DESKS.get(name, 1)) for plan in plans for name, _ in plan}
    tickets: list[Ticket] = []
    events: list[Event] = []
    order = itertools.count()
    for at in _arrivals(rng):
        tickets.append(Ticket(rng.choice(plans), at))
        heapq.heappush(events, Event(at, next(order), "join", len(tickets) - 1))

    def start_next(name: str, now: float) -> None:
        counter = counters[name]
        while counter.queue and len(counter.serving) < counter.desks:
            number = counter.queue.popleft()
            ticket = tickets[number]
            counter.serving[number] = (ticket.route[ticket.stop][1], now)
            errors.waits.append((now - ticket.joined) / 60)
            if ticket.estimate is not None and ticket.naive is not None:
                errors.estimator.append(abs(ticket.estimate - (now - ticket.joined)) / 60)
                errors.naive.append(abs(ticket.naive - (now - ticket.joined)) / 60)
            procedures = ticket.route[ticket.stop][1]
            seconds = sum(typical[p] * math.exp(rng.gauss(0, SPREAD)) for p in procedures)
            heapq.heappush(events, Event(now + seconds, next(order), "done", number))
            ticket.joined = now  # from here on: when its visit started

    while events:
        event = heapq.heappop(events)
        ticket = tickets[event.ticket]
        name, procedures = ticket.route[ticket.stop]
        counter = counters[name]
        if event.kind == "join":
            ahead = [tickets[other].route[tickets[other].stop][1] for other in counter.queue]
            in_service = [(done_here, event.at - began) for done_here, began in counter.serving.values()]
            ticket.estimate = estimator.wait_seconds(name, ahead, in_service, counter.desks)
            ticket.naive = (
                statistics.median(counter.visits) * len(ahead) / counter.desks
                if len(counter.visits) >= 5
                else None
            )
            ticket.joined = event.at
            counter.queue.append(event.ticket)
            start_next(name, event.at)
            continue
        seconds = event.at - ticket.joined
        estimator.learn(Visit(name, procedures, start + timedelta(seconds=ticket.joined), seconds))
        counter.visits.append(seconds)
        del counter.serving[event.ticket]
        start_next(name, event.at)
        ticket.stop += 1
        if ticket.stop < len(ticket.route):
            heapq.heappush(events, Event(event.at + WALK_SECONDS, next(order), "join", event.ticket))
        else:
            errors.stays.append((event.at - ticket.arrived) / 60)


def p90(values: list[float]) -> float:
    return statistics.quantiles(values, n=10)[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=5)
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    plans = routes(rng, 40)
    typical = typical_seconds(rng, {p for plan in plans for _, procedures in plan for p in procedures})
    estimator, errors = Estimator(), Errors()
    for _ in range(args.days):
        simulate_day(rng, plans, typical, estimator, errors)
    print(f"simulated: {args.days} days, {len(errors.stays)} households; desks {DESKS}, other counters 1")
    print(
        f"stay (arrival to last counter done): mean {statistics.mean(errors.stays):.0f} min "
        f"(Kumamoto before its reform: {KUMAMOTO_STAY_MINUTES} min); wait per counter: mean "
        f"{statistics.mean(errors.waits):.1f} min, p90 {p90(errors.waits):.1f} min"
    )
    print(f"estimates compared: {len(errors.estimator)} queue joins")
    print(
        f"estimator (median per counter and procedure): MAE {statistics.mean(errors.estimator):.1f} min, "
        f"p90 {p90(errors.estimator):.1f} min"
    )
    print(
        f"naive (counter median x ahead / desks):       MAE {statistics.mean(errors.naive):.1f} min, "
        f"p90 {p90(errors.naive):.1f} min"
    )
    print(
        f"ratio estimator/naive MAE: {statistics.mean(errors.estimator) / statistics.mean(errors.naive):.2f}"
    )


if __name__ == "__main__":
    main()
