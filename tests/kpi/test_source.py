"""The scripted day read back from central's tables gives the same figures as the hand-computed ones."""

from pathlib import Path
from typing import get_args

from sqlalchemy import Engine

from central.db import make_engine
from central.kpi.figures import compute
from central.kpi.records import EventKind
from central.kpi.source import load_inputs
from central.queue.models import EventKind as StoredKind
from testbed.postgres import PrivatePostgres
from tests.kpi import stored_day
from tests.kpi.scripted_day import DAY, NEXT_DAY
from tests.kpi.test_figures import HONCHO_DAY, HONCHO_NEXT_DAY, KITA_DAY


def test_the_records_name_the_queue_events_as_the_queue_stores_them() -> None:
    assert set(get_args(EventKind)) == {kind.value for kind in StoredKind}


def test_the_stored_day_gives_the_hand_computed_figures(tmp_path: Path) -> None:
    check_the_stored_day(make_engine(f"sqlite:///{tmp_path / 'central.db'}"))


def test_the_stored_day_on_postgresql(postgres: PrivatePostgres) -> None:
    check_the_stored_day(make_engine(postgres.database()))


def check_the_stored_day(engine: Engine) -> None:
    """Store the scripted day, read it back for both offices, one office and day, and an office without it."""
    stored_day.store(engine)
    both = compute(load_inputs(engine, {"honcho", "kita"}, DAY, NEXT_DAY))
    assert both.days == [HONCHO_DAY, HONCHO_NEXT_DAY, KITA_DAY]  # fields prefilled from the plans' forms
    first_day = compute(load_inputs(engine, {"honcho"}, DAY, DAY))
    assert first_day.days == [HONCHO_DAY]
    assert compute(load_inputs(engine, {"elsewhere"}, DAY, NEXT_DAY)).days == []
    engine.dispose()
