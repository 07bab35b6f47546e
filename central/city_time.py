"""The city's clock: one time-zone setting (MADOGUCHI_TIME_ZONE, default Asia/Tokyo) for every time shown.

Central stores and compares times in UTC; every page, PDF, CSV and the access log shows them in the city's
zone through these functions, and a day filter means the city's calendar day. Read once per process.
"""

import functools
import os
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from central.settings import CITY_TIME_ZONE


@functools.cache
def city_zone() -> ZoneInfo:
    """The city's time zone; raises ZoneInfoNotFoundError for an unknown MADOGUCHI_TIME_ZONE."""
    return ZoneInfo(os.environ.get("MADOGUCHI_TIME_ZONE") or CITY_TIME_ZONE)


def city_time(moment: datetime) -> datetime:
    """The moment on the city's clock (a naive time, as SQLite returns it, is UTC)."""
    return as_utc(moment).astimezone(city_zone())


def city_text(moment: datetime | None, seconds: bool = False) -> str:
    """`2026-11-22 09:05` (or with seconds) on the city's clock; empty for no time."""
    if moment is None:
        return ""
    return city_time(moment).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def city_iso(moment: datetime | None) -> str:
    """ISO 8601 with the city's offset (`2026-11-22T09:05:00+09:00`), for CSV and JSON; empty for no time."""
    return city_time(moment).isoformat() if moment is not None else ""


def as_utc(moment: datetime) -> datetime:
    """An aware UTC time (a naive one is taken as UTC): what queries compare, since SQLite stores times as
    UTC wall-clock text and would compare another zone's wall clock as if it were UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def city_day(day: date) -> tuple[datetime, datetime]:
    """The start and end of one of the city's calendar days, in UTC for queries."""
    start = datetime.combine(day, time(), city_zone())
    return as_utc(start), as_utc(start + timedelta(days=1))


def city_today() -> date:
    """Today on the city's calendar."""
    return datetime.now(city_zone()).date()
