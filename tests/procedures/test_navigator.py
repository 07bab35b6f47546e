"""The navigator's contract: one question at a time, no guessing, checked answers, pure and deterministic."""

from collections.abc import Mapping
from datetime import date
from typing import Any

import msgspec
import pytest

from procedures.answers import InvalidAnswerError, MissingFacts
from procedures.asked import posted_answer
from procedures.catalog import Catalog
from procedures.conditions import ConditionEvaluationError, compile_condition, make_context
from procedures.model import QuestionType
from procedures.navigator import given_answers, make_plan, next_questions
from procedures.people import InvalidBirthDateError, age_on, people_of
from protocol.facts import Facts, Person
from protocol.plan import Plan
from testbed.households import example, facts_of, plan_of

TODAY = date(2026, 11, 20)


def _with_answers(facts: Facts, answers: Mapping[str, Any]) -> Facts:
    return msgspec.structs.replace(facts, answers=dict(answers))


def test_the_kiosk_flow_asks_one_question_at_a_time_until_the_plan_is_complete(catalog: Catalog) -> None:
    full = facts_of(catalog, "ibusuki_roleplay")
    answers: dict[str, Any] = {}
    asked: list[str] = []
    while questions := next_questions(catalog, _with_answers(full, answers), TODAY):
        first = questions[0]
        asked.append(first.id)
        answers[first.id] = full.answers[first.id]
    assert asked.index("care_levels") < asked.index("care_carried_over")
    assert set(asked) == set(full.answers)
    plan = make_plan(catalog, _with_answers(full, answers), TODAY)
    assert plan == plan_of(catalog, "ibusuki_roleplay")


def test_missing_answers_are_named_never_guessed(catalog: Catalog) -> None:
    full = facts_of(catalog, "ibusuki_roleplay")
    partial = {
        key: value
        for key, value in full.answers.items()
        if key not in ("animals", "care_carried_over", "phone")
    }
    with pytest.raises(MissingFacts) as missing:
        make_plan(catalog, _with_answers(full, partial), TODAY)
    assert missing.value.question_ids == ("phone", "care_carried_over", "animals")


def test_member_questions_offer_only_the_members_they_are_about(catalog: Catalog) -> None:
    facts = _with_answers(facts_of(catalog, "ibusuki_roleplay"), {})
    questions = {question.id: question for question in next_questions(catalog, facts, TODAY)}
    nhi = questions["nhi_members"]
    assert [option.id for option in nhi.options] == ["0", "1", "2", "3", "4", "6"]
    assert nhi.options[0].label.citizen == "指宿　太郎"
    pension = questions["pension_categories"]
    assert [member.id for member in pension.members] == ["0", "1"]
    assert [option.id for option in pension.options] == ["category1", "category2", "category3"]


@pytest.mark.parametrize(
    ("question_id", "value"),
    [
        ("nhi_members", ["5"]),
        ("nhi_members", "0"),
        ("resident_copies", 11),
        ("resident_copies", True),
        ("moved_on", "15/11/2026"),
        ("water", "yes"),
        ("phone", "  "),
        ("no_such_question", 1),
    ],
)
def test_invalid_answers_name_the_question_not_the_value(
    catalog: Catalog, question_id: str, value: object
) -> None:
    facts = facts_of(catalog, "ibusuki_roleplay")
    with pytest.raises(InvalidAnswerError) as invalid:
        make_plan(catalog, _with_answers(facts, {**facts.answers, question_id: value}), TODAY)
    assert invalid.value.question_id == question_id
    assert question_id in str(invalid.value)


def test_an_invalid_answer_is_not_repeated_in_the_error(catalog: Catalog) -> None:
    facts = facts_of(catalog, "ibusuki_roleplay")
    with pytest.raises(InvalidAnswerError) as invalid:
        make_plan(catalog, _with_answers(facts, {**facts.answers, "moved_on": "15/11/2026"}), TODAY)
    assert "15/11" not in str(invalid.value)


def test_answers_to_questions_not_shown_are_ignored(catalog: Catalog) -> None:
    facts = facts_of(catalog, "ibusuki_roleplay")
    stale = _with_answers(facts, {**facts.answers, "deceased": "5", "chief_mourner": "0"})
    assert make_plan(catalog, stale, TODAY) == make_plan(catalog, facts, TODAY)


def test_plans_are_deterministic_and_encode_as_json(catalog: Catalog) -> None:
    first, second = plan_of(catalog, "ibusuki_roleplay"), plan_of(catalog, "ibusuki_roleplay")
    encoded = msgspec.json.encode(first)
    assert encoded == msgspec.json.encode(second)
    assert msgspec.json.decode(encoded, type=Plan) == first


def test_forms_are_filled_the_japanese_way(catalog: Catalog) -> None:
    plan = plan_of(catalog, "ibusuki_roleplay")
    tennyu = next(form for form in plan.forms if form.form == "jumin_ido")
    values = {(f.id, f.member): f.value for f in tennyu.fields}
    assert values[("shin_jusho", None)] == "みどり市中央町一丁目2番3号"
    assert values[("kyu_jusho", None)] == "福岡県福岡市中央区天神一丁目1番1号"
    assert values[("ido_bi", None)] == "2026年11月15日"
    assert values[("seinengappi", "5")] == "1948年3月30日"
    assert values[("zokugara", "0")] == "本人"
    assert values[("zokugara", "5")] == "父"
    assert values[("seibetsu", "6")] == "女"
    per_member = [form for form in plan.forms if form.form == "kodomo_iryo_shinsei"]
    assert [form.member for form in per_member] == ["2", "3", "4"]


def test_members_live_at_the_household_address_and_conditions_see_no_name_or_address(
    catalog: Catalog,
) -> None:
    facts = facts_of(catalog, "ibusuki_roleplay")
    people = people_of(facts, TODAY)
    assert [person.id for person in people] == ["0", "1", "2", "3", "4", "5", "6"]
    assert {person.address for person in people} == {facts.applicant.address}
    assert [person.is_head for person in people] == [True] + [False] * 6
    assert set(people[0].condition_view()) == {
        "id",
        "relation",
        "sex",
        "age",
        "school_age",
        "is_applicant",
        "is_head",
        "in_household",
    }


def test_school_age_follows_the_april_first_cut_off() -> None:
    assert age_on(date(2020, 4, 1), date(2026, 4, 1)) == 6
    assert age_on(date(2020, 4, 2), date(2026, 4, 1)) == 5
    applicant_facts = Person(name="甲", address="乙", birth_date="1990-01-01", sex="1")
    facts = Facts(life_event="move_in", language="ja", applicant=applicant_facts)
    (applicant,) = people_of(facts, date(2027, 3, 31))
    assert (applicant.age, applicant.school_age) == (37, 36)


def test_a_bad_birth_date_names_the_member(catalog: Catalog) -> None:
    facts = facts_of(catalog, "ibusuki_roleplay")
    broken = msgspec.structs.replace(facts.household[0], birth_date="1987/09/03")
    with pytest.raises(InvalidBirthDateError) as invalid:
        make_plan(catalog, msgspec.structs.replace(facts, household=[broken, *facts.household[1:]]), TODAY)
    assert invalid.value.member_id == "1"
    assert "1987" not in str(invalid.value)


def test_condition_errors_never_carry_the_evaluation_data() -> None:
    context = make_context("move_in", {"id": "0", "age": 41}, [{"id": "0", "age": 41}], {"phone_count": 1})
    with pytest.raises(ConditionEvaluationError) as failed:
        compile_condition("undeclared_name == 1").holds(context)
    assert "Activation" not in str(failed.value)
    assert "41" not in str(failed.value)
    with pytest.raises(ConditionEvaluationError, match="not a bool"):
        compile_condition("answers.phone_count").holds(context)


def test_an_example_today_is_what_ages_are_counted_on(catalog: Catalog) -> None:
    assert example(catalog, "family_move_out").today == "2026-03-20"
    plan = plan_of(catalog, "family_move_out")
    assert plan.today == "2026-03-20"


def test_debug_logging_never_shows_the_household(catalog: Catalog, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level("DEBUG"):
        plan_of(catalog, "ibusuki_roleplay")
    logged = " ".join(record.getMessage() for record in caplog.records)
    assert "指宿" not in logged
    assert "is_applicant" not in logged


def test_given_answers_are_the_shown_ones_in_asking_order(catalog: Catalog) -> None:
    """What the kiosk's review shows and submits: an answer to a question no longer asked is left out."""
    full = facts_of(catalog, "ibusuki_roleplay")
    given = given_answers(catalog, full, TODAY)
    order = [compiled.question.id for compiled in catalog.questions]
    ids = [question.id for question, _ in given]
    assert ids == sorted(full.answers, key=order.index)
    assert {question.id: value for question, value in given}["care_carried_over"] is True
    no_care = _with_answers(full, {**full.answers, "care_levels": {}})
    assert "care_carried_over" not in [question.id for question, _ in given_answers(catalog, no_care, TODAY)]


@pytest.mark.parametrize(
    ("question_type", "values", "expected"),
    [
        ("yes_no", ["yes"], True),
        ("yes_no", ["maybe"], None),
        ("number", ["2"], 2),
        ("number", ["２"], None),
        ("members", ["0", "2"], ["0", "2"]),
        ("multi", [], []),
        ("text", [" ポチ "], "ポチ"),
        ("date", [], ""),
    ],
)
def test_posted_answer_reads_a_form_as_the_checker_expects(
    question_type: QuestionType, values: list[str], expected: object
) -> None:
    assert posted_answer(question_type, values) == expected
