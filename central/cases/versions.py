"""Every change to a case is kept as a version: the facts as they then stood, who changed what and why.

Version 1 is the case as received; it is written with the first change, so an untouched case has no rows.
Written in the caller's transaction, with the change itself. Never logs facts or comments.
"""

from datetime import datetime

import msgspec
from sqlalchemy import func
from sqlmodel import Session, col, select

from central.models import Case, CaseVersion

RECEIVED = "受付時の内容"


class VersionView(msgspec.Struct, frozen=True):
    """One version as the case page lists it."""

    number: int
    at: datetime
    user: str
    change: str
    procedure_id: str | None
    comment: str


def record_version(
    session: Session,
    case: Case,
    user: str,
    change: str,
    now: datetime,
    *,
    received_facts: str,
    procedure_id: str | None = None,
    comment: str = "",
) -> None:
    """Add the version after a change (and version 1, `received_facts`, before the first change)."""
    count = session.exec(select(func.count()).select_from(CaseVersion).where(CaseVersion.case_id == case.id))
    number = int(count.one())
    if number == 0:
        session.add(
            CaseVersion(
                case_id=case.id,
                number=1,
                at=case.created_at,
                user_name="—",
                change=RECEIVED,
                facts=received_facts,
            )
        )
        number = 1
    session.add(
        CaseVersion(
            case_id=case.id,
            number=number + 1,
            at=now,
            user_name=user,
            change=change,
            procedure_id=procedure_id,
            comment=comment,
            facts=case.facts,
        )
    )


def versions_of(session: Session, case_id: str) -> list[VersionView]:
    """The case's versions, newest first."""
    rows = session.exec(
        select(CaseVersion).where(CaseVersion.case_id == case_id).order_by(col(CaseVersion.number).desc())
    )
    return [
        VersionView(row.number, row.at, row.user_name, row.change, row.procedure_id, row.comment)
        for row in rows
    ]


def return_comments(versions: list[VersionView], sent_back: set[str]) -> dict[str, str]:
    """The newest return comment of each procedure that is still sent back."""
    comments: dict[str, str] = {}
    for version in versions:
        if version.procedure_id in sent_back and version.comment and version.procedure_id not in comments:
            comments[version.procedure_id] = version.comment
    return comments
