"""Search by name or ticket number: the keys of a case, kept beside it, and the query that finds them.

A case's keys are each household name, whole and part by part (family name, given name), and its ticket,
normalized alike (NFKC, spaces removed, case folded), so `窓口 一郎` finds 窓口　一郎 and a search is a
prefix range on an index. Each key row also holds the case's office and time taken, so a search picks the
newest matching cases of the user's offices from the key table alone, then reads only those cases. Keys are
written wherever a case is prepared or its facts corrected, in the caller's transaction; cases prepared
before keys existed are indexed once by `index_missing`. Never logs names.
"""

import unicodedata
from collections.abc import Iterable
from datetime import datetime
from typing import Any, Protocol

import msgspec
import sqlalchemy as sa
from sqlalchemy import Connection, Engine

from central.models import Case, CaseKey
from protocol.facts import Facts

_key = CaseKey.__table__  # type: ignore[attr-defined]
_case = Case.__table__  # type: ignore[attr-defined]
BACKFILL_BATCH = 2000
SEARCH_LIMIT = 500
"""A search looks at this many newest matching cases (then the inbox's other filters and page apply)."""
MAX_KEY = "\U0010ffff"


def normalized(text: str) -> str:
    """The form keys and queries are compared in."""
    return "".join(unicodedata.normalize("NFKC", text).split()).casefold()


def keys_of(facts: Facts, ticket: str) -> set[str]:
    """Every key of a case."""
    names = [facts.applicant.name, *(member.name for member in facts.household)]
    keys = {normalized(ticket)}
    for name in names:
        keys.add(normalized(name))
        keys.update(normalized(part) for part in unicodedata.normalize("NFKC", name).split())
    return {key for key in keys if key}


class Keyed(Protocol):
    """What a key row needs of its case (a Case, a NewCase or a plain row)."""

    @property
    def id(self) -> str: ...
    @property
    def office_id(self) -> str: ...
    @property
    def ticket(self) -> str: ...
    @property
    def created_at(self) -> datetime: ...


def key_rows(case: Keyed, facts: Facts) -> list[dict[str, Any]]:
    """The key rows of one case, for an executemany insert."""
    return [
        {"case_id": case.id, "key": key, "office_id": case.office_id, "created_at": case.created_at}
        for key in sorted(keys_of(facts, case.ticket))
    ]


def write_keys(conn: Connection, rows: Iterable[dict[str, Any]], case_ids: Iterable[str]) -> None:
    """Replace the keys of these cases with `rows`, in the caller's transaction."""
    ids = list(case_ids)
    if ids:
        conn.execute(sa.delete(_key).where(_key.c.case_id.in_(ids)))
    batch = list(rows)
    if batch:
        conn.execute(sa.insert(_key), batch)


def newest_matching(
    conn: Connection,
    query: str,
    offices: Iterable[str],
    since: datetime | None = None,
    before: datetime | None = None,
    limit: int = SEARCH_LIMIT,
) -> list[str]:
    """The ids of the newest cases of these offices (taken in [since, before)) with a key starting with
    the query, newest first."""
    start = normalized(query)
    hits = sa.select(_key.c.case_id, _key.c.created_at).where(
        _key.c.key >= start, _key.c.key < start + MAX_KEY, _key.c.office_id.in_(list(offices))
    )
    if since is not None:
        hits = hits.where(_key.c.created_at >= since)
    if before is not None:
        hits = hits.where(_key.c.created_at < before)
    rows = conn.execute(hits.distinct().order_by(_key.c.created_at.desc()).limit(limit))
    return [row.case_id for row in rows]


def index_missing(engine: Engine) -> int:
    """Write the keys of prepared cases that have none (cases from before keys existed); returns how many.
    Runs when the table is empty only, so a running central pays for it once."""
    with engine.connect() as conn:
        if conn.execute(sa.select(_key.c.case_id).limit(1)).first() is not None:
            return 0
    done, after = 0, ""
    while True:
        page = (
            sa.select(_case.c.id, _case.c.facts, _case.c.ticket, _case.c.office_id, _case.c.created_at)
            .where(_case.c.prepared_at.is_not(None), _case.c.id > after)
            .order_by(_case.c.id)
            .limit(BACKFILL_BATCH)
        )
        with engine.begin() as conn:
            cases = list(conn.execute(page))
            if not cases:
                return done
            rows = [
                row for case in cases for row in key_rows(case, msgspec.json.decode(case.facts, type=Facts))
            ]
            write_keys(conn, rows, [])
        done, after = done + len(cases), cases[-1].id
