"""Central holds staff's own edits to the facts bounds the units and the pre-entry page keep (defect 5 of the
review): a correction or an interview over a bound is refused and changes nothing."""

import random
from collections.abc import Iterator

import msgspec
import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from central.accounts.service import Staff
from central.cases.actions import correct
from central.cases.interview import record_interview
from central.db import make_engine
from central.errors import ActionRefusedError
from central.models import Case, Role
from procedures.planner import SAMPLE_CATALOG, CatalogPlanner
from protocol.facts import MAX_ADDRESS, MAX_HOUSEHOLD, MAX_NAME
from testbed.households import citizen

STAFF = Staff("tester", Role.STAFF, frozenset({"honcho"}), frozenset(), "csrf")
PLANNER = CatalogPlanner.load(SAMPLE_CATALOG)


@pytest.fixture
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('db') / 'central.db'}")
    yield engine
    engine.dispose()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("applicant.name", "山" * (MAX_NAME + 1)),
        ("applicant.address", "町" * (MAX_ADDRESS + 1)),
        ("household.0.name", "川" * (MAX_NAME + 1)),
        ("applicant.birth_date", "1990-4-1"),
        ("applicant.sex", "7"),
    ],
)
def test_a_correction_over_a_bound_is_refused_and_changes_nothing(
    engine: Engine, field: str, value: str
) -> None:
    case_id = record_interview(engine, PLANNER, STAFF, "honcho", citizen(random.Random(6), 6))
    with Session(engine) as session:
        before = session.get(Case, case_id)
        assert before is not None
        facts = before.facts
    with pytest.raises(ActionRefusedError):
        correct(engine, PLANNER, STAFF, case_id, field, value, False)
    with Session(engine) as session:
        after = session.get(Case, case_id)
        assert after is not None
        assert after.facts == facts


def test_an_interview_household_over_the_bound_is_refused(engine: Engine) -> None:
    facts = citizen(random.Random(7), 7)
    crowd = msgspec.structs.replace(facts, household=[facts.household[0]] * (MAX_HOUSEHOLD + 1))
    with pytest.raises(ActionRefusedError, match="household"):
        record_interview(engine, PLANNER, STAFF, "honcho", crowd)
