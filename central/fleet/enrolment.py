"""Enrolment tokens and device enrolment; tokens are single-use and expire, and only their hash is kept."""

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, update
from sqlmodel import Session

from central.models import Device, EnrolmentToken

DEFAULT_TOKEN_TTL = timedelta(hours=24)


class EnrolmentRefused(Exception):  # noqa: N818 - reads as the outcome at the call site
    """The token is unknown, used or expired, or the request is malformed."""


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(engine: Engine, office_id: str, ttl: timedelta = DEFAULT_TOKEN_TTL) -> str:
    """Create a single-use token that enrols one counter unit into `office_id`."""
    token = secrets.token_urlsafe(24)
    now = datetime.now(UTC)
    with Session(engine) as session:
        session.add(
            EnrolmentToken(
                token_sha256=_hash(token), office_id=office_id, created_at=now, expires_at=now + ttl
            )
        )
        session.commit()
    return token


def enrol(engine: Engine, token: str, public_key: bytes) -> Device:
    """Spend the token atomically and record a new device with its public key."""
    if len(public_key) != 32:
        raise EnrolmentRefused("public key must be 32 bytes (Ed25519)")
    now = datetime.now(UTC)
    device_id = f"cu-{secrets.token_hex(5)}"
    table = EnrolmentToken.__table__  # type: ignore[attr-defined]
    with Session(engine) as session:
        token_row = session.get(EnrolmentToken, _hash(token))
        spent = session.execute(
            update(table)
            .where(table.c.token_sha256 == _hash(token), table.c.used_at.is_(None), table.c.expires_at > now)
            .values(used_at=now, used_by=device_id)
        )
        if token_row is None or spent.rowcount != 1:  # type: ignore[attr-defined]
            session.rollback()
            raise EnrolmentRefused("enrolment token is unknown, already used or expired")
        device = Device(id=device_id, office_id=token_row.office_id, public_key=public_key, enrolled_at=now)
        session.add(device)
        session.commit()
        session.refresh(device)
    return device


def revoke(engine: Engine, device_id: str) -> None:
    """Mark a device revoked; ingest refuses its envelopes from then on."""
    with Session(engine) as session:
        device = session.get(Device, device_id)
        if device is None:
            raise KeyError(device_id)
        device.revoked_at = datetime.now(UTC)
        session.add(device)
        session.commit()
