"""Central's tables. Cases hold the opened submission: this is the city's own record of the citizen's data."""

from datetime import datetime

from sqlalchemy import Column, LargeBinary, Text, UniqueConstraint
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
    received_at: datetime = Field(index=True)
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


class StaffUser(SQLModel, table=True):
    """A member of staff who logs in to the staff UI; `offices` and `counters` are JSON lists of ids."""

    __tablename__ = "staff_user"
    name: str = Field(primary_key=True)
    role: str = Field(description="staff, supervisor or admin")
    password_hash: str = Field(description="argon2id")
    offices: str = "[]"
    counters: str = "[]"
    failed_logins: int = 0
    locked_until: datetime | None = None
    created_at: datetime


class StaffSession(SQLModel, table=True):
    """A server-side login session; only the SHA-256 of the cookie's token is stored."""

    __tablename__ = "staff_session"
    token_sha256: str = Field(primary_key=True)
    user_name: str = Field(index=True)
    csrf_token: str
    created_at: datetime
    expires_at: datetime = Field(index=True)


class WorkCase(SQLModel, table=True):
    """Staff's working record of a case, keyed by the submission id: corrected facts and the current plan.

    Made from a synced Case, from a slip's QR before the case synced (then merged when it does), or from a
    staff interview. `synced_at` is set once central holds the Case row itself.
    """

    __tablename__ = "work_case"
    id: str = Field(primary_key=True)
    office_id: str = Field(index=True)
    ticket: str
    origin: str = Field(description="sync, qr or interview")
    life_event: str
    created_at: datetime = Field(index=True)
    synced_at: datetime | None = None
    updated_at: datetime
    facts: str = Field(sa_column=Column(Text, nullable=False))
    plan: str = Field(sa_column=Column(Text, nullable=False))


class CaseProcedure(SQLModel, table=True):
    """One procedure of a case: its status, the counter that has it, and its approval for core systems."""

    __tablename__ = "case_procedure"
    case_id: str = Field(primary_key=True)
    procedure_id: str = Field(primary_key=True)
    name: str
    department: str
    counter: str = Field(index=True)
    status: str = Field(default="waiting", index=True)
    updated_at: datetime
    updated_by: str | None = None
    approved_at: datetime | None = Field(default=None, index=True)
    approved_by: str | None = None


class Correction(SQLModel, table=True):
    """A staff correction of one fact: who, when, before and after, and whether it needs 外字 handling."""

    __tablename__ = "case_correction"
    id: int | None = Field(default=None, primary_key=True)
    case_id: str = Field(index=True)
    field: str
    before: str = Field(sa_column=Column(Text, nullable=False))
    after: str = Field(sa_column=Column(Text, nullable=False))
    gaiji: bool = False
    user_name: str
    at: datetime


class AccessEntry(SQLModel, table=True):
    """One line of the access log: a user viewed, printed, corrected, approved, exported or purged."""

    __tablename__ = "access_log"
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(index=True)
    user_name: str
    action: str = Field(index=True)
    office_id: str | None = Field(default=None, index=True)
    case_id: str | None = Field(default=None, index=True)
    detail: str = ""


class WebhookEndpoint(SQLModel, table=True):
    """A core system that receives approved procedures; `procedures` is a JSON list of ids ([] = all)."""

    __tablename__ = "webhook_endpoint"
    id: int | None = Field(default=None, primary_key=True)
    url: str
    secret: str
    procedures: str = "[]"
    created_at: datetime


class WebhookDelivery(SQLModel, table=True):
    """One approved procedure owed to one endpoint: pending until delivered, dead after too many tries."""

    __tablename__ = "webhook_delivery"
    __table_args__ = (UniqueConstraint("endpoint_id", "case_id", "procedure_id"),)
    id: int | None = Field(default=None, primary_key=True)
    endpoint_id: int = Field(index=True)
    case_id: str
    procedure_id: str
    body: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(default="pending", index=True)
    attempts: int = 0
    next_attempt_at: datetime = Field(index=True)
    last_error: str = ""
    delivered_at: datetime | None = None
