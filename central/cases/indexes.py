"""Indexes the staff pages need, created on a database made before they existed.

`make_engine` creates missing tables only; an index added to an existing table (the inbox's `ix_case_inbox`,
its filters' `ix_case_procedure_work` and `ix_case_procedure_kind`) is created here, once, when the cases
slice starts. Idempotent.
"""

from sqlalchemy import Engine

from central.models import Case, CaseProcedure

STAFF_INDEXES = ("ix_case_inbox", "ix_case_procedure_work", "ix_case_procedure_kind")


def ensure_indexes(engine: Engine) -> None:
    """Create the staff pages' indexes that are missing."""
    for table in (Case.__table__, CaseProcedure.__table__):  # type: ignore[attr-defined]
        for index in table.indexes:
            if index.name in STAFF_INDEXES:
                index.create(engine, checkfirst=True)
