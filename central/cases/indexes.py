"""Indexes the staff pages need, created on a database made before they existed.

`make_engine` creates missing tables only; an index added to an existing table (the inbox's `ix_case_inbox`)
is created here, once, when the cases slice starts. Idempotent.
"""

from sqlalchemy import Engine

from central.models import Case

STAFF_INDEXES = ("ix_case_inbox",)


def ensure_indexes(engine: Engine) -> None:
    """Create the staff pages' indexes that are missing."""
    table = Case.__table__  # type: ignore[attr-defined]
    for index in table.indexes:
        if index.name in STAFF_INDEXES:
            index.create(engine, checkfirst=True)
