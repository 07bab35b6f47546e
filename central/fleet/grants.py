"""Who may enrol: single-use expiring tokens bound to an office, and hardware serial numbers IT registered and
approved.

`claim` says whether a request may enrol and, if not, why (the reason is shown to IT on the unit); `spend`
uses the grant up in the same transaction that records the new unit, so one grant never enrols two units,
however close together they ask. Only a token's SHA-256 is stored. A serial number is no secret (it is
printed on the board), which is why it enrols nothing until IT approves it, and only once per approval.
"""

import hashlib
import math
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from sqlalchemy import Engine, update
from sqlmodel import Session, col, select

from central.fleet.dynsec import OFFICE
from central.models import Device, EnrolmentToken, UnitSerial

DEFAULT_TOKEN_TTL = timedelta(hours=24)
MAX_TOKEN_TTL = timedelta(days=30)
"""A token is a key to the fleet: one that lives longer than a month is a mistake, not a plan."""
SERIAL = re.compile(r"[0-9a-z][0-9a-z-]{3,63}")
PROFILE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,62}")


class EnrolmentRefused(Exception):  # noqa: N818 - reads as the outcome at the call site
    """Enrolment or renewal refused; `status` is the HTTP status, the message the reason for IT."""

    def __init__(self, reason: str, status: int = 403) -> None:
        super().__init__(reason)
        self.status = status


@dataclass(frozen=True, slots=True)
class Grant:
    """What lets one unit enrol: a token (by its hash) or a serial, with the office and profile it gives."""

    kind: Literal["token", "serial"]
    key: str
    office_id: str
    profile: str


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _checked(office_id: str, profile: str) -> None:
    if not OFFICE.fullmatch(office_id):
        raise ValueError(f"not a valid office id: {office_id!r} (letters, digits, - and _)")
    if profile and not PROFILE.fullmatch(profile):
        raise ValueError(f"not a valid profile name: {profile!r}")


def token_ttl(hours: float) -> timedelta:
    """A token lifetime in hours, or ValueError unless it is a number above 0 and at most MAX_TOKEN_TTL."""
    if not math.isfinite(hours) or not 0 < hours <= MAX_TOKEN_TTL / timedelta(hours=1):
        raise ValueError(
            f"a token must live for some time, at most {MAX_TOKEN_TTL.days} days: "
            f"give --ttl-hours above 0 and at most {MAX_TOKEN_TTL / timedelta(hours=1):g}"
        )
    return timedelta(hours=hours)


def issue_token(engine: Engine, office_id: str, ttl: timedelta = DEFAULT_TOKEN_TTL, profile: str = "") -> str:
    """Create a single-use token that enrols one counter unit into `office_id` within `ttl`."""
    if not timedelta(0) < ttl <= MAX_TOKEN_TTL:
        raise ValueError(f"a token must live for some time, at most {MAX_TOKEN_TTL.days} days")
    _checked(office_id, profile)
    token = secrets.token_urlsafe(24)
    now = datetime.now(UTC)
    row = EnrolmentToken(
        token_sha256=_hash(token), office_id=office_id, created_at=now, expires_at=now + ttl, profile=profile
    )
    with Session(engine) as session:
        session.add(row)
        session.commit()
    return token


def normalise_serial(serial: str) -> str:
    """A serial number as stored: trimmed, lower case (the Pi prints hex in either case)."""
    normal = serial.strip().lower()
    if not SERIAL.fullmatch(normal):
        raise ValueError(f"not a serial number: {serial!r} (4 to 64 letters, digits and -)")
    return normal


def add_serial(engine: Engine, serial: str, office_id: str, profile: str = "") -> str:
    """Register a unit's serial number for an office (ValueError if it is registered already)."""
    normal = normalise_serial(serial)
    _checked(office_id, profile)
    with Session(engine) as session:
        if session.get(UnitSerial, normal) is not None:
            raise ValueError(f"serial {normal} is registered already")
        session.add(
            UnitSerial(serial=normal, office_id=office_id, profile=profile, added_at=datetime.now(UTC))
        )
        session.commit()
    return normal


def approve_serial(engine: Engine, serial: str) -> UnitSerial:
    """Let the unit with this serial enrol (once); KeyError if it was never registered."""
    normal = normalise_serial(serial)
    with Session(engine) as session:
        row = session.get(UnitSerial, normal)
        if row is None:
            raise KeyError(normal)
        row.approved_at, row.used_at, row.used_by = datetime.now(UTC), None, None
        session.add(row)
        session.commit()
        session.refresh(row)
    return row


def serials(engine: Engine) -> list[UnitSerial]:
    """Every registered serial number, in order."""
    with Session(engine) as session:
        return list(session.exec(select(UnitSerial).order_by(col(UnitSerial.serial))).all())


def _token_grant(session: Session, token: str, now: datetime) -> Grant:
    row = session.get(EnrolmentToken, _hash(token))
    if row is None:
        raise EnrolmentRefused("unknown enrolment token")
    if row.used_at is not None:
        raise EnrolmentRefused("enrolment token already used: issue a new one")
    if row.expires_at.replace(tzinfo=row.expires_at.tzinfo or UTC) <= now:
        raise EnrolmentRefused("enrolment token expired: issue a new one")
    return Grant("token", row.token_sha256, row.office_id, row.profile)


def _serial_grant(session: Session, serial: str) -> Grant:
    try:
        normal = normalise_serial(serial)
    except ValueError as exc:
        raise EnrolmentRefused(str(exc), 422) from exc
    row = session.get(UnitSerial, normal)
    if row is None:
        raise EnrolmentRefused(f"unknown serial number {normal}: IT registers it (provision serial add)")
    if row.approved_at is None:
        raise EnrolmentRefused(f"serial number {normal} not yet approved (provision serial approve)")
    if row.used_at is not None:
        raise EnrolmentRefused(f"serial number {normal} already enrolled {row.used_by}: approve it again")
    return Grant("serial", normal, row.office_id, row.profile)


def claim(engine: Engine, *, token: str, serial: str, office_id: str, now: datetime) -> Grant:
    """The grant this request may enrol with, or EnrolmentRefused saying why not (nothing is written)."""
    if bool(token) == bool(serial):
        raise EnrolmentRefused("give either an enrolment token or a serial number", 422)
    with Session(engine) as session:
        grant = _token_grant(session, token, now) if token else _serial_grant(session, serial)
    if office_id and office_id != grant.office_id:
        what = "token" if token else "serial number"
        raise EnrolmentRefused(f"wrong office: this {what} is for {grant.office_id}, not {office_id}")
    return grant


def spend(engine: Engine, grant: Grant, device: Device, now: datetime) -> None:
    """Use the grant up and record the device, in one transaction; refused if it was used meanwhile."""
    if grant.kind == "token":
        table = EnrolmentToken.__table__  # type: ignore[attr-defined]
        spent = update(table).where(
            table.c.token_sha256 == grant.key, table.c.used_at.is_(None), table.c.expires_at > now
        )
    else:
        table = UnitSerial.__table__  # type: ignore[attr-defined]
        spent = update(table).where(
            table.c.serial == grant.key, table.c.used_at.is_(None), table.c.approved_at.is_not(None)
        )
    with Session(engine) as session:
        result = session.execute(spent.values(used_at=now, used_by=device.id))
        if result.rowcount != 1:  # type: ignore[attr-defined]
            session.rollback()
            raise EnrolmentRefused(f"this enrolment {grant.kind} was used meanwhile by another unit")
        session.add(device)
        session.commit()
        session.refresh(device)  # loaded before the session closes: the caller reads it afterwards
