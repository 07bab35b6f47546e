"""Staff accounts and server-side sessions: argon2 passwords, lock-out after repeated failures.

Sessions live in the database; the browser holds only a random token whose SHA-256 is the key, and each
session carries its own CSRF token. Never logs or returns a password, a hash or a session token.
"""

import asyncio
import contextlib
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

from central.background import Loop
from central.models import Role, StaffSession, StaffUser

MAX_FAILURES = 5
LOCK_OUT = timedelta(minutes=15)
SESSION_LIFETIME = timedelta(hours=10)
"""One working day; staff log in again the next morning."""
SESSION_SWEEP_INTERVAL = 3600.0

_hasher = PasswordHasher()


class LoginRefusedError(Exception):
    """Wrong name or password, or the account is locked; the message is safe to show."""


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


def log_in(engine: Engine, name: str, password: str) -> tuple[str, Staff]:
    """Check the password and open a session; returns (cookie token, staff). Raises LoginRefusedError."""
    now = _now()
    with Session(engine) as session:
        user = session.get(StaffUser, name)
        if user is None:
            _hasher.hash(password)  # the same work as for a real user, so timing tells nothing
            raise LoginRefusedError("名前またはパスワードが違います")
        if user.locked_until is not None and as_utc(user.locked_until) > now:
            raise LoginRefusedError("ログインの失敗が続いたため、しばらくロックされています")
        try:
            _hasher.verify(user.password_hash, password)
        except (VerificationError, InvalidHashError) as exc:
            user.failed_logins += 1
            if user.failed_logins >= MAX_FAILURES:
                user.locked_until = now + LOCK_OUT
                user.failed_logins = 0
            session.add(user)
            session.commit()
            raise LoginRefusedError("名前またはパスワードが違います") from exc
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
