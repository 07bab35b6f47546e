"""Staff accounts and server-side sessions: argon2 passwords, lock-out after repeated failures.

A refused login looks the same whatever the reason (unknown name, wrong password, locked account): one
message and one argon2 verification each time (against a stand-in hash for an unknown name), so neither the
answer nor its time tells whether an account exists or is locked. Failed logins and lock-outs of real
accounts go to the access log under the account's offices, where their supervisors read it (an unknown name
is logged as `?` with no office: what was typed may be a password).

Sessions live in the database; the browser holds only a random token whose SHA-256 is the key, and each
session carries its own CSRF token. Never logs or returns a password, a hash or a session token.
"""

import asyncio
import contextlib
import functools
import hashlib
import json
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from litestar.datastructures import State
from sqlalchemy import Engine, delete
from sqlmodel import Session, col

from central.audit import log
from central.background import Loop
from central.models import Role, StaffSession, StaffUser

MAX_FAILURES = 5
LOCK_OUT = timedelta(minutes=15)
SESSION_LIFETIME = timedelta(hours=10)
"""One working day; staff log in again the next morning."""
SESSION_SWEEP_INTERVAL = 3600.0

_hasher = PasswordHasher()
REFUSED = "名前またはパスワードが違います（失敗が続くと、しばらくログインできなくなります）"
"""The one answer to every refused login."""
UNKNOWN_USER = "?"


class LoginRefusedError(Exception):
    """Wrong name or password, or the account is locked; the message is safe to show."""

    def __init__(self) -> None:
        super().__init__(REFUSED)


@functools.cache
def _stand_in_hash() -> str:
    """A hash with the current parameters that no password matches, verified for unknown names."""
    return _hasher.hash(secrets.token_urlsafe(32))


def _password_matches(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@dataclass(frozen=True, slots=True)
class Staff:
    """The logged-in user as the rest of the staff side sees it."""

    name: str
    role: Role
    offices: frozenset[str]
    counters: frozenset[str]
    csrf_token: str

    def may_see(self, office_id: str) -> bool:
        """Whether this user works at the office a case belongs to."""
        return office_id in self.offices


def _now() -> datetime:
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """SQLite returns naive datetimes; everything central stores is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def add_user(
    engine: Engine,
    name: str,
    role: str,
    password: str,
    offices: list[str],
    counters: list[str],
) -> None:
    """Create a user, or replace the role, password, offices and counters of an existing one."""
    try:
        kind = Role(role)
    except ValueError:
        raise ValueError(f"role must be one of {', '.join(Role)}") from None
    if len(password) < 8:
        raise ValueError("the password must have at least 8 characters")
    with Session(engine) as session:
        user = session.get(StaffUser, name) or StaffUser(
            name=name, role=kind, password_hash="", created_at=_now()
        )
        user.role = kind
        user.password_hash = _hasher.hash(password)
        user.offices = json.dumps(sorted(set(offices)))
        user.counters = json.dumps(sorted(set(counters)))
        user.failed_logins = 0
        user.locked_until = None
        session.add(user)
        session.commit()


def _staff(user: StaffUser, csrf_token: str) -> Staff:
    return Staff(
        name=user.name,
        role=Role(user.role),
        offices=frozenset(json.loads(user.offices)),
        counters=frozenset(json.loads(user.counters)),
        csrf_token=csrf_token,
    )


def _record(session: Session, user: StaffUser, action: str, detail: str) -> None:
    """An access-log entry about an account under each of its offices, where their supervisors read it."""
    for office in json.loads(user.offices) or [None]:
        log.record(session, user.name, action, office_id=office, detail=detail)


def _refuse(session: Session, user: StaffUser | None, now: datetime, client: str) -> LoginRefusedError:
    """Count a failure (locking the account after MAX_FAILURES), log it, and make the one refusal."""
    if user is None:
        log.record(session, UNKNOWN_USER, "login_failed", detail=client)
    elif user.locked_until is not None and as_utc(user.locked_until) > now:
        _record(session, user, "login_failed", f"{client} locked")
    else:
        user.failed_logins += 1
        _record(session, user, "login_failed", client)
        if user.failed_logins >= MAX_FAILURES:
            user.locked_until = now + LOCK_OUT
            user.failed_logins = 0
            _record(session, user, "lockout", f"{client} for {LOCK_OUT}")
        session.add(user)
    session.commit()
    return LoginRefusedError()


def log_in(engine: Engine, name: str, password: str, client: str = "-") -> tuple[str, Staff]:
    """Check the password and open a session; returns (cookie token, staff). Raises LoginRefusedError.

    `client` is the caller's address, for the access log.
    """
    now = _now()
    with Session(engine) as session:
        user = session.get(StaffUser, name)
        matches = _password_matches(user.password_hash if user else _stand_in_hash(), password)
        locked = user is not None and user.locked_until is not None and as_utc(user.locked_until) > now
        if user is None or locked or not matches:
            raise _refuse(session, user, now, client)
        user.failed_logins = 0
        user.locked_until = None
        if _hasher.check_needs_rehash(user.password_hash):
            user.password_hash = _hasher.hash(password)
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        session.add(user)
        session.add(
            StaffSession(
                token_sha256=_digest(token),
                user_name=name,
                csrf_token=csrf,
                created_at=now,
                expires_at=now + SESSION_LIFETIME,
            )
        )
        session.commit()
        return token, _staff(user, csrf)


def staff_for(engine: Engine, token: str) -> Staff | None:
    """The user of a live session, or None for an unknown or expired token."""
    with Session(engine) as session:
        row = session.get(StaffSession, _digest(token))
        if row is None or as_utc(row.expires_at) <= _now():
            return None
        user = session.get(StaffUser, row.user_name)
        return _staff(user, row.csrf_token) if user else None


def log_out(engine: Engine, token: str) -> None:
    """End a session, and drop every expired one while at it."""
    with Session(engine) as session:
        session.exec(delete(StaffSession).where(col(StaffSession.token_sha256) == _digest(token)))
        session.commit()
    drop_expired_sessions(engine)


def drop_expired_sessions(engine: Engine) -> None:
    """Delete sessions past their expiry (they no longer log anyone in either way)."""
    with Session(engine) as session:
        session.exec(delete(StaffSession).where(col(StaffSession.expires_at) <= _now()))
        session.commit()


@contextlib.asynccontextmanager
async def session_loops(state: State) -> AsyncIterator[list[Loop]]:
    """The accounts slice's background loop: drop expired sessions, hourly."""
    engine = state.engine
    yield [Loop("sessions", SESSION_SWEEP_INTERVAL, lambda: asyncio.to_thread(drop_expired_sessions, engine))]
