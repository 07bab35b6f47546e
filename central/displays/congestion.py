"""How busy each office is now, and by hour over the last weeks ("best time to come").

The history is one small table of our own: every `SAMPLE_EVERY` seconds, each office's number of people
waiting, from the queue hub. A few hundred rows per office and week; nothing in it but counts and times.
Hours are the city's (Asia/Tokyo).
"""

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import msgspec
from litestar.datastructures import State
from sqlalchemy import Engine, delete
from sqlmodel import Field, Session, SQLModel, col, select

from central.background import Loop
from central.cases.views import CITY_TIME
from central.queue.hub import QueueHub
from procedures.asked import localize
from procedures.catalog import Catalog
from protocol.queue import OfficeQueue

SAMPLE_EVERY = 300.0
HISTORY_WEEKS = 4
OPENING_HOURS = range(8, 18)
"""The hours the chart shows (8:00–17:59): when the counters are open."""


class CongestionSample(SQLModel, table=True):
    """How many people waited at an office at one moment (the congestion page's history)."""

    id: int | None = Field(default=None, primary_key=True)
    office_id: str = Field(index=True)
    at: datetime = Field(index=True)
    waiting: int


def waiting(state: OfficeQueue) -> int:
    """People waiting at any of the office's counters."""
    return sum(counter.waiting for counter in state.counters)


def record(engine: Engine, hub: QueueHub, now: datetime | None = None) -> int:
    """Store one sample per office the hub knows; forget samples older than the history; returns how many."""
    at = now or datetime.now(UTC)
    states = [state for office in hub.offices() if (state := hub.latest(office)) is not None]
    with Session(engine) as session:
        session.add_all(CongestionSample(office_id=s.office_id, at=at, waiting=waiting(s)) for s in states)
        cutoff = at - timedelta(weeks=HISTORY_WEEKS)
        session.exec(delete(CongestionSample).where(col(CongestionSample.at) < cutoff))
        session.commit()
    return len(states)


@dataclass(frozen=True)
class HourAverage:
    """The average number of people waiting at one hour of the day; None without samples."""

    hour: int
    waiting: float | None


def by_hour(engine: Engine, office_id: str, now: datetime | None = None) -> list[HourAverage]:
    """The office's average waiting count per opening hour over the last weeks (city time)."""
    since = (now or datetime.now(UTC)) - timedelta(weeks=HISTORY_WEEKS)
    query = select(CongestionSample.at, CongestionSample.waiting).where(
        CongestionSample.office_id == office_id, col(CongestionSample.at) >= since
    )
    totals: dict[int, list[int]] = {hour: [] for hour in OPENING_HOURS}
    with Session(engine) as session:
        for at, count in session.exec(query):
            hour = at.astimezone(CITY_TIME).hour
            if hour in totals:
                totals[hour].append(count)
    return [
        HourAverage(hour, sum(counts) / len(counts) if counts else None) for hour, counts in totals.items()
    ]


def offices_with_history(engine: Engine) -> list[str]:
    """Offices that have samples (a quiet office still has a chart)."""
    with Session(engine) as session:
        offices = select(CongestionSample.office_id).group_by(col(CongestionSample.office_id))
        return sorted(session.exec(offices))


class CounterNow(msgspec.Struct, frozen=True):
    """One counter on the congestion page, named in the reader's language."""

    counter: str
    name: str
    waiting: int
    wait_minutes: int | None


class OfficeNow(msgspec.Struct, frozen=True):
    """One office on the congestion page."""

    office_id: str
    waiting: int
    wait_minutes: int | None
    """The longest expected wait among its counters: what a newcomer should plan for."""
    counters: list[CounterNow]


def office_now(state: OfficeQueue, catalog: Catalog, language: str) -> OfficeNow:
    """An office's live figures; its counters where someone waits, named from the catalog (the queue's own
    names as a fallback)."""
    counters = []
    for counter in (counter for counter in state.counters if counter.waiting):
        known = catalog.counters.get(counter.counter)
        fallback = counter.name_ja if language.startswith("ja") else counter.name_en
        name = localize(known.name, language).citizen if known else fallback
        counters.append(CounterNow(counter.counter, name, counter.waiting, counter.wait_minutes))
    waits = [counter.wait_minutes for counter in state.counters if counter.wait_minutes is not None]
    return OfficeNow(state.office_id, waiting(state), max(waits) if waits else None, counters)


def offices_now(hub: QueueHub, catalog: Catalog, language: str) -> list[OfficeNow]:
    """Every office the hub knows, now."""
    return [office_now(state, catalog, language) for o in hub.offices() if (state := hub.latest(o))]


@contextlib.asynccontextmanager
async def congestion_loops(state: State) -> AsyncIterator[list[Loop]]:
    """Sample every office's waiting count for the "best time to come" chart."""
    hub: QueueHub = state.queue_hub
    engine: Engine = state.engine
    yield [Loop("congestion samples", SAMPLE_EVERY, lambda: asyncio.to_thread(record, engine, hub))]
