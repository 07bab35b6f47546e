"""A case's status follows its procedures: the rule at its edges (tests/staff/test_counter_work.py walks a
case through it over HTTP)."""

from datetime import UTC, datetime

import pytest

from central.cases.lifecycle import case_status
from central.models import CaseProcedure, CaseStatus, ProcedureStatus

NOW = datetime.now(UTC)
W, P, D, N, B = (
    ProcedureStatus.WAITING,
    ProcedureStatus.IN_PROGRESS,
    ProcedureStatus.DONE,
    ProcedureStatus.NOT_NEEDED,
    ProcedureStatus.SENT_BACK,
)


def procedures(*states: tuple[ProcedureStatus, bool]) -> list[CaseProcedure]:
    """Procedure rows with these (status, approved)."""
    return [
        CaseProcedure(
            case_id="c",
            procedure_id=f"p{n}",
            name="",
            department="",
            counter="",
            status=status,
            updated_at=NOW,
            approved_at=NOW if approved else None,
        )
        for n, (status, approved) in enumerate(states)
    ]


@pytest.mark.parametrize(
    ("states", "expected"),
    [
        ((), CaseStatus.RECEIVED),  # not prepared yet, or the facts cannot be planned
        (((W, False), (W, False)), CaseStatus.RECEIVED),
        (((P, False), (W, False)), CaseStatus.IN_PROGRESS),
        (((B, False), (D, False)), CaseStatus.IN_PROGRESS),
        (((D, True), (W, False)), CaseStatus.IN_PROGRESS),
        (((N, False), (W, False)), CaseStatus.IN_PROGRESS),
        (((D, False), (N, False)), CaseStatus.DONE),
        (((N, False), (N, False)), CaseStatus.DONE),
        (((D, True), (D, False)), CaseStatus.DONE),
        (((D, True), (N, False)), CaseStatus.APPROVED),
        (((D, True), (D, True)), CaseStatus.APPROVED),
    ],
)
def test_case_status(states: tuple[tuple[ProcedureStatus, bool], ...], expected: CaseStatus) -> None:
    assert case_status(procedures(*states)) == expected
