"""Central's tables. Cases hold the opened submission: this is the city's own record of the citizen's data."""

from datetime import datetime

from sqlalchemy import Column, LargeBinary, Text
from sqlmodel import Field, SQLModel


class Device(SQLModel, table=True):
    """An enrolled counter unit and the key that signs its envelopes."""

    id: str = Field(primary_key=True)
    office_id: str = Field(index=True)
    public_key: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    enrolled_at: datetime
    revoked_at: datetime | None = None


class EnrolmentToken(SQLModel, table=True):
    """A single-use, expiring enrolment token; only its SHA-256 is stored."""

    token_sha256: str = Field(primary_key=True)
    office_id: str
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None
    used_by: str | None = None


class Case(SQLModel, table=True):
    """One citizen's case: an opened submission, stored once per submission id."""

    id: str = Field(primary_key=True, description="submission id (UUIDv7)")
    device_id: str = Field(index=True)
    office_id: str = Field(index=True)
    seq: int
    life_event: str = Field(index=True)
    language: str
    ticket: str
    status: str = Field(default="received", index=True)
    created_at: datetime = Field(index=True)
    received_at: datetime
    envelope_sha256: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    body_sha256: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    facts: str = Field(sa_column=Column(Text, nullable=False))
    plan: str = Field(sa_column=Column(Text, nullable=False))


class Reject(SQLModel, table=True):
    """An envelope central refused, with the reason; the payload itself is never kept."""

    id: int | None = Field(default=None, primary_key=True)
    received_at: datetime = Field(index=True)
    topic: str
    device_id: str | None = None
    submission_id: str | None = None
    reason: str = Field(index=True)
    detail: str = ""
    size: int
