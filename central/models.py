"""Central's tables and the statuses they hold: the city's own record of every case and who did what to it.

A case is one row of `case` from the moment central first learns of it — a synced envelope, a slip's QR
opened at a counter, or a staff interview — with its lifecycle status, its current (corrected) facts and
plan, and, once its envelope has synced, the digests ingest keeps it idempotent with. Its procedures are rows
of `case_procedure`. Statuses are `StrEnum`s stored as their values (plain strings, no database enum types).
Never holds a rejected envelope's payload.
"""

import enum
from datetime import datetime

from sqlalchemy import Column, Index, LargeBinary, Text, UniqueConstraint
from sqlalchemy import Enum as EnumType
from sqlmodel import Field, SQLModel


class CaseStatus(enum.StrEnum):
    """Where a case stands; it follows its procedures (central/cases/lifecycle.py)."""

    RECEIVED = "received"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    APPROVED = "approved"


class ProcedureStatus(enum.StrEnum):
    """Where one procedure of a case stands; an approved procedure is `done` with an approval."""

    WAITING = "waiting"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    NOT_NEEDED = "not_needed"
    SENT_BACK = "sent_back"


class Origin(enum.StrEnum):
    """How central first learned of a case."""

    SYNC = "sync"
    QR = "qr"
    INTERVIEW = "interview"


class Role(enum.StrEnum):
    """What a member of staff may do: supervisors and admins also read the access log and dead letters."""

    STAFF = "staff"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


class DeliveryStatus(enum.StrEnum):
    """A webhook delivery: pending until delivered, dead after too many tries."""

    PENDING = "pending"
    DELIVERED = "delivered"
    DEAD = "dead"


def stored_as_value(kind: type[enum.StrEnum]) -> EnumType:
    """A column type that stores an enum's values as plain strings and reads them back as members."""
    return EnumType(
        kind,
        native_enum=False,
        create_constraint=False,
        length=16,
        values_callable=lambda members: [member.value for member in members],
    )


class Device(SQLModel, table=True):
    """An enrolled counter unit and the key that signs its envelopes."""

    id: str = Field(primary_key=True)
    office_id: str = Field(index=True)
    public_key: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    enrolled_at: datetime
    revoked_at: datetime | None = None
    profile: str = ""
    """The device profile IT chose when it issued the token or registered the serial ("" if none)."""


class EnrolmentToken(SQLModel, table=True):
    """A single-use, expiring enrolment token; only its SHA-256 is stored."""

    token_sha256: str = Field(primary_key=True)
    office_id: str
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None
    used_by: str | None = None
    profile: str = ""


class UnitSerial(SQLModel, table=True):
    """A unit's hardware serial number, registered by IT; it enrols one unit once approved, then again only
    when approved again."""

    serial: str = Field(primary_key=True)
    office_id: str
    profile: str = ""
    added_at: datetime
    approved_at: datetime | None = None
    used_at: datetime | None = None
    used_by: str | None = None


class Case(SQLModel, table=True):
    """One citizen's case, whatever its origin: central's one record of it, keyed by the submission id.

    Staff work on a case once it is prepared (`prepared_at`): its plan is in place and its procedure rows
    exist. A case opened from a slip's QR or recorded in an interview is prepared as it is recorded; a synced
    case by the background step (central/cases/prepare.py), off the ingest path. Ingest fills the sync
    columns; for a case a counter opened from its QR before its envelope arrived, it fills only those.
    The inbox reads an office's newest prepared cases through `ix_case_inbox` (office, time taken,
    prepared), so a page costs an index range, whatever the number of cases.
    """

    __table_args__ = (Index("ix_case_inbox", "office_id", "created_at", "prepared_at"),)
    id: str = Field(primary_key=True, description="submission id (UUIDv7)")
    office_id: str = Field(index=True)
    ticket: str
    origin: Origin = Field(sa_type=stored_as_value(Origin))
    status: CaseStatus = Field(default=CaseStatus.RECEIVED, sa_type=stored_as_value(CaseStatus))
    life_event: str
    language: str
    created_at: datetime = Field(
        index=True, description="when the case was taken (unit's clock, QR, interview)"
    )
    updated_at: datetime = Field(
        index=True, description="recorded, synced, prepared, corrected, a procedure moved"
    )
    prepared_at: datetime | None = Field(
        default=None, index=True, description="None: synced, not yet prepared"
    )
    facts: str = Field(sa_column=Column(Text, nullable=False), description="current facts, with corrections")
    plan: str = Field(sa_column=Column(Text, nullable=False), description="current plan; JSON null if none")
    device_id: str | None = Field(default=None, description="the unit that sent or printed it")
    seq: int | None = Field(default=None, description="the unit's sequence number of the envelope")
    received_at: datetime | None = Field(default=None, description="when the envelope synced; None: not yet")
    envelope_sha256: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    body_sha256: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))


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
    role: Role = Field(sa_type=stored_as_value(Role))
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


class CaseProcedure(SQLModel, table=True):
    """One procedure of a case: its status, the counter that has it, and its approval for core systems.

    The inbox's filters find cases by counter (and status) through `ix_case_procedure_work`, by procedure
    (and status) through `ix_case_procedure_kind`: an index range that holds the case ids, no table read.
    """

    __tablename__ = "case_procedure"
    __table_args__ = (
        Index("ix_case_procedure_work", "counter", "status", "case_id"),
        Index("ix_case_procedure_kind", "procedure_id", "status", "case_id"),
    )
    case_id: str = Field(primary_key=True)
    procedure_id: str = Field(primary_key=True)
    name: str
    department: str
    counter: str = Field(index=True)
    status: ProcedureStatus = Field(
        default=ProcedureStatus.WAITING, index=True, sa_type=stored_as_value(ProcedureStatus)
    )
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
    """One approved procedure owed to one endpoint: pending until delivered, dead after too many tries.

    Ids are never reused (SQLite AUTOINCREMENT), so a re-approved procedure's new delivery has a new id."""

    __tablename__ = "webhook_delivery"
    __table_args__ = (
        UniqueConstraint("endpoint_id", "case_id", "procedure_id"),
        {"sqlite_autoincrement": True},
    )
    id: int | None = Field(default=None, primary_key=True)
    endpoint_id: int = Field(index=True)
    case_id: str
    procedure_id: str
    body: str = Field(sa_column=Column(Text, nullable=False))
    status: DeliveryStatus = Field(
        default=DeliveryStatus.PENDING, index=True, sa_type=stored_as_value(DeliveryStatus)
    )
    attempts: int = 0
    next_attempt_at: datetime = Field(index=True)
    last_error: str = ""
    delivered_at: datetime | None = None


class CaseVersion(SQLModel, table=True):
    """One version of a case: after every change (correction, status, approval, return, reopening) the facts
    as they then stood, who changed what, and the comment of a return. Version 1 is the case as received."""

    __tablename__ = "case_version"
    id: int | None = Field(default=None, primary_key=True)
    case_id: str = Field(index=True)
    number: int
    at: datetime
    user_name: str
    change: str = Field(sa_column=Column(Text, nullable=False), description="what changed, in Japanese")
    procedure_id: str | None = None
    comment: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    facts: str = Field(sa_column=Column(Text, nullable=False), description="the facts after the change")


class StaffDepartment(SQLModel, table=True):
    """A department (課, as the catalog names it in Japanese) whose procedures a member of staff approves."""

    __tablename__ = "staff_department"
    user_name: str = Field(primary_key=True)
    department: str = Field(primary_key=True)


class CaseKey(SQLModel, table=True):
    """What staff search a case by: each name in the household (whole and each part) and the ticket,
    normalized (central/cases/search.py), so a search is an index range, not a scan of the facts."""

    __tablename__ = "case_key"
    case_id: str = Field(primary_key=True)
    key: str = Field(primary_key=True, index=True)
    office_id: str
    created_at: datetime
