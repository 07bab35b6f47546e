"""A case's lifecycle status follows its procedures; this is the one place that decides how.

received: no procedure has moved yet (or the case has none yet: not prepared, or its facts cannot be planned);
in progress: some procedure has moved (in progress, done, sent back, not needed) and some is still open;
done: every procedure is done or not needed; approved: every procedure is approved or not needed, and at
least one is approved. Never logs.
"""

from collections.abc import Iterable
from datetime import datetime

from sqlmodel import Session, select

from central.models import Case, CaseProcedure, CaseStatus, ProcedureStatus


def case_status(procedures: Iterable[CaseProcedure]) -> CaseStatus:
    """The status a case with these procedures has."""
    rows = list(procedures)
    if all(row.status == ProcedureStatus.WAITING for row in rows):
        return CaseStatus.RECEIVED
    needed = [row for row in rows if row.status != ProcedureStatus.NOT_NEEDED]
    if needed and all(row.approved_at is not None for row in needed):
        return CaseStatus.APPROVED
    if all(row.status == ProcedureStatus.DONE for row in needed):
        return CaseStatus.DONE
    return CaseStatus.IN_PROGRESS


def follow_procedures(session: Session, case: Case, now: datetime) -> None:
    """Set the case's status from its procedures as they stand in the caller's transaction."""
    session.flush()
    case.status = case_status(session.exec(select(CaseProcedure).where(CaseProcedure.case_id == case.id)))
    case.updated_at = now
    session.add(case)
