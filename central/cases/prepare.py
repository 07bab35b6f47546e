"""The background step that prepares synced cases for staff: the plan in place, the procedure rows made.

Off the ingest path on purpose: a case that came without a plan costs 25-90 ms of CEL to plan, and ingest
must stay lean. Reading, planning and writing are separate steps, so the write transaction is short and never
holds SQLite's lock while ingest waits for it, and the loop yields to ingest under a burst
(central/background.py). If a counter prepared one of the round's cases meanwhile (it scanned the slip's QR),
the round's write fails on the procedure rows' key and is dropped; the next round takes the rest.
Never logs facts or plans.
"""

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import msgspec
import sqlalchemy as sa
from litestar.datastructures import State
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError

from central.background import Loop
from central.cases.indexes import ensure_indexes
from central.cases.records import encoded, procedure_row, stored_or_new_plan
from central.cases.search import index_missing, key_rows, write_keys
from central.models import Case, CaseProcedure
from procedures.planner import CatalogPlanner
from protocol.facts import Facts

PREPARE_BATCH = 500
PREPARE_INTERVAL = 1.0
PREPARE_MAX_DEFER = 10.0
"""Under a burst, staff see new cases within this many seconds at worst."""
_case = Case.__table__  # type: ignore[attr-defined]
_procedure = CaseProcedure.__table__  # type: ignore[attr-defined]
_prepare = (
    sa.update(_case)
    .where(_case.c.id == sa.bindparam("case_id"), _case.c.prepared_at.is_(None))
    .values(plan=sa.bindparam("new_plan"), prepared_at=sa.bindparam("now"), updated_at=sa.bindparam("now"))
)


class Preparer:
    """Prepares synced cases, oldest arrival first, a batch per round."""

    def __init__(self, engine: Engine, planner: CatalogPlanner) -> None:
        self._engine = engine
        self._planner = planner
        self._keys_checked = False

    def __call__(self, limit: int = PREPARE_BATCH) -> int:
        """One round of at most `limit` cases; returns how many it prepared. The first round also writes
        the search keys of cases prepared before keys existed."""
        if not self._keys_checked:
            index_missing(self._engine)
            self._keys_checked = True
        waiting = (
            sa.select(
                _case.c.id, _case.c.facts, _case.c.plan, _case.c.ticket, _case.c.office_id, _case.c.created_at
            )
            .where(_case.c.prepared_at.is_(None))
            .order_by(_case.c.received_at)
            .limit(limit)
        )
        with self._engine.connect() as conn:
            cases = list(conn.execute(waiting))
        if not cases:
            return 0
        facts = {case.id: msgspec.json.decode(case.facts, type=Facts) for case in cases}
        plans = {case.id: stored_or_new_plan(self._planner, case.plan, facts[case.id]) for case in cases}
        now = datetime.now(UTC)
        try:
            with self._engine.begin() as conn:
                conn.execute(
                    _prepare,
                    [{"case_id": key, "new_plan": encoded(plan), "now": now} for key, plan in plans.items()],
                )
                rows = [
                    procedure_row(key, item, now)
                    for key, plan in plans.items()
                    if plan
                    for item in plan.procedures
                ]
                if rows:
                    conn.execute(sa.insert(_procedure), rows)
                keys = [row for case in cases for row in key_rows(case, facts[case.id])]
                write_keys(conn, keys, [case.id for case in cases])
        except IntegrityError:  # a counter prepared one of these meanwhile: the next round takes the rest
            return 0
        return len(plans)


@contextlib.asynccontextmanager
async def preparation_loops(state: State) -> AsyncIterator[list[Loop]]:
    """The cases slice's background loop: prepare synced cases every second, yielding to ingest (first,
    the staff pages' indexes an older database lacks)."""
    await asyncio.to_thread(ensure_indexes, state.engine)
    prepare = Preparer(state.engine, state.staff_planner)
    yield [Loop("prepare", PREPARE_INTERVAL, lambda: asyncio.to_thread(prepare), max_defer=PREPARE_MAX_DEFER)]
