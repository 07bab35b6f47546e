"""The inbox's two ways to find a page on SQLite and PostgreSQL: a filter that few procedures match looks its
cases up; a filter most match walks the newest cases. Both give the same page, in the same order, with the
same rows as the case page's summary (the names taken out of the facts by the database, the visiting order
from the catalog rather than each case's plan)."""

import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from central.accounts.service import Staff
from central.cases import views
from central.cases.actions import set_status
from central.cases.interview import record_interview
from central.cases.views import InboxFilter, case_detail, inbox
from central.db import make_engine
from central.models import Role
from procedures.planner import SAMPLE_CATALOG, CatalogPlanner
from testbed.households import citizen

PLANNER = CatalogPlanner.load(SAMPLE_CATALOG)
CATALOG = PLANNER.catalog
STAFF = Staff("tester", Role.SUPERVISOR, frozenset({"honcho", "bunsho"}), frozenset(), "csrf")
FILTERS = [
    InboxFilter(),
    InboxFilter(counter="shimin"),
    InboxFilter(counter="shimin", status="in_progress"),
    InboxFilter(status="waiting"),
    InboxFilter(procedure="tennyu_todoke"),
    InboxFilter(office="bunsho", counter="shimin"),
    InboxFilter(counter="no_such_counter"),
]


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """Six recorded cases in two offices, one procedure of the first moved on, on either database."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'central.db'}"
    else:
        url = request.getfixturevalue("postgres").database()
    made = make_engine(url)
    ids = [
        record_interview(made, PLANNER, STAFF, office, citizen(random.Random(serial), serial))
        for serial, office in enumerate(["honcho", "bunsho"] * 3)
    ]
    first = case_detail(made, STAFF, ids[0]).summary.procedures[0]
    set_status(made, STAFF, ids[0], first.id, "in_progress")
    yield made
    made.dispose()


def test_both_ways_give_the_same_page(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    looked_up = {wanted: inbox(engine, CATALOG, STAFF, wanted, logged=False) for wanted in FILTERS}
    monkeypatch.setattr(views, "FEW_MATCHES", 0)  # every filter now walks the newest cases
    walked = {wanted: inbox(engine, CATALOG, STAFF, wanted, logged=False) for wanted in FILTERS}
    assert walked == looked_up
    assert len(looked_up[InboxFilter()]) == 6
    assert len(looked_up[InboxFilter(counter="shimin", status="in_progress")]) == 1
    assert [case.office_id for case in looked_up[InboxFilter(office="bunsho", counter="shimin")]] == [
        "bunsho"
    ] * 3
    assert looked_up[InboxFilter(counter="no_such_counter")] == []


def test_inbox_rows_are_the_case_pages_summaries(engine: Engine) -> None:
    for row in inbox(engine, CATALOG, STAFF, InboxFilter(), logged=False):
        assert row == case_detail(engine, STAFF, row.id).summary
    created = [case.created_at for case in inbox(engine, CATALOG, STAFF, InboxFilter(), logged=False)]
    assert created == sorted(created, reverse=True)
