"""Properties over many households: any answers either give a complete plan or name what is missing."""

from datetime import date
from typing import Any

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from procedures.answers import MissingFacts
from procedures.catalog import Catalog
from procedures.loader import load_catalog_dir
from procedures.navigator import make_plan, next_questions
from testbed.households import facts_of
from tests.procedures.conftest import SAMPLE_CITY

TODAY = date(2026, 11, 20)
_CATALOG = load_catalog_dir(SAMPLE_CITY)
_FULL = facts_of(_CATALOG, "ibusuki_roleplay")
_MEMBER_QUESTIONS = [q.id for q in _CATALOG.content.questions if q.type == "members"]


@st.composite
def answer_sets(draw: st.DrawFn) -> dict[str, Any]:
    """The Ibusuki answers with some dropped and member choices redrawn from what each question offers."""
    answers = dict(_FULL.answers)
    offered = {
        q.id: [o.id for o in q.options]
        for q in next_questions(_CATALOG, msgspec.structs.replace(_FULL, answers={}), TODAY)
    }
    for question_id in _MEMBER_QUESTIONS:
        if question_id in offered and question_id in answers:
            answers[question_id] = draw(st.lists(st.sampled_from(offered[question_id]), unique=True))
    for yes_no in ("care_carried_over", "water", "nursery_wanted", "kei_vehicle"):
        answers[yes_no] = draw(st.booleans())
    dropped = draw(st.sets(st.sampled_from(sorted(answers)), max_size=3))
    return {key: value for key, value in answers.items() if key not in dropped}


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answer_sets())
def test_a_plan_is_complete_or_names_only_unanswered_questions(answers: dict[str, Any]) -> None:
    facts = msgspec.structs.replace(_FULL, answers=answers)
    asked = [question.id for question in next_questions(_CATALOG, facts, TODAY)]
    if asked:
        assert not set(asked) & set(answers)
        with pytest.raises(MissingFacts) as missing:
            make_plan(_CATALOG, facts, TODAY)
        assert list(missing.value.question_ids) == asked
    else:
        plan = make_plan(_CATALOG, facts, TODAY)
        assert plan.writing.left.total == 0
        assert {form.procedure for form in plan.forms} <= {procedure.id for procedure in plan.procedures}


def test_the_catalog_fixture_is_the_one_the_properties_use(catalog: Catalog) -> None:
    assert catalog.content_hash == _CATALOG.content_hash
