"""Households as they come to the counter: the applicant apart from the household and its head, animals,
grades, and the example runner's checks of what must not appear and who prints where."""

from datetime import date

import msgspec
import pytest

from procedures.catalog import Catalog
from procedures.kinship import relation_to_head
from procedures.model import Example, Expectation
from procedures.navigator import make_plan
from procedures.people import InvalidPersonError
from procedures.posted import household_gaps, with_household
from procedures.publish import run_example
from protocol.facts import decode_facts
from testbed.households import example, facts_of, plan_of
from tests.procedures.test_catalog_coverage import asked_questions

VERSION_1_FACTS = (
    b'{"life_event":"move_in","language":"ja","applicant":{"name":"\xe8\xa6\x8b\xe6\x9c\xac","address":"x",'
    b'"birth_date":"1990-04-01","sex":"2"},"household":[],"answers":{}}'
)


def test_facts_sealed_before_the_new_fields_mean_what_they_meant() -> None:
    facts = decode_facts(VERSION_1_FACTS)
    assert facts.applicant_role == "member"
    assert facts.head_id == "0"
    assert facts.address_of_household == "x"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"household_address": None}, "household_address"),
        ({"household": []}, "household"),
        ({"head": "7"}, "head"),
        ({"head": "0"}, "head"),
    ],
)
def test_a_household_the_navigator_cannot_place_is_refused(
    catalog: Catalog, change: dict[str, object], field: str
) -> None:
    facts = msgspec.structs.replace(facts_of(catalog, "death_reported_by_son_elsewhere"), **change)
    with pytest.raises(InvalidPersonError) as refused:
        make_plan(catalog, facts, date(2026, 11, 20))
    assert refused.value.field == field


def test_an_applicant_living_elsewhere_is_offered_only_where_the_question_says_so(catalog: Catalog) -> None:
    plan = plan_of(catalog, "death_reported_by_son_elsewhere")
    kokuho_rows = [form for form in plan.forms if form.form == "kokuho_ido"]
    assert not kokuho_rows  # the son is not one of the household's insured
    mourner = {field.id: field.value for field in plan.forms_of("sosaihi")[0].fields}
    assert mourner["moshu_jusho"] == "東京都世田谷区太子堂二丁目3番4号"
    assert "dairinin_annai" not in [procedure.id for procedure in plan.procedures]


def test_one_dog_form_per_dog_and_none_for_the_cat(catalog: Catalog) -> None:
    plan = plan_of(catalog, "two_dogs_and_a_cat_move_within")
    forms = plan.forms_of("inu_toroku")
    assert [form.animal for form in forms] == [1, 3]
    dogs = next(procedure for procedure in plan.procedures if procedure.id == "inu_toroku")
    assert dogs.reason.ja


def test_pinned_fields_and_absent_procedures_are_checked(catalog: Catalog) -> None:
    source = example(catalog, "death_reported_by_son_elsewhere")
    assert run_example(catalog, source).passed
    wrong_address = {"shibou_todoke.shibou_todoke@1": {"todokede_nin_jusho": "みどり市緑ヶ丘三丁目7番8号"}}
    for expect in (
        msgspec.structs.replace(source.expect, fields=wrong_address),
        msgspec.structs.replace(source.expect, absent=["shibou_todoke"]),
        msgspec.structs.replace(source.expect, fields={"no_such.form": {"x": "y"}}),
    ):
        result = run_example(
            catalog, Example(source.id, source.description, source.today, source.facts, expect)
        )
        assert not result.passed
        assert not any("東京" in problem or "みどり市" in problem for problem in result.problems)


def test_every_example_with_pinned_fields_says_what_must_not_appear(catalog: Catalog) -> None:
    pinned = [item for item in catalog.content.examples if item.expect.fields]
    assert len(pinned) >= 7
    assert all(isinstance(item.expect, Expectation) for item in pinned)


def test_question_counts_per_example(catalog: Catalog, summary: list[str]) -> None:
    lines = ["Questions asked per example household (the kiosk's flow):"]
    for item in catalog.content.examples:
        if item.expect.missing:
            continue
        lines.append(f"  {item.facts['life_event']:<13} {len(asked_questions(catalog, item)):>3}  {item.id}")
    summary.append("\n".join(lines))
    assert len(asked_questions(catalog, example(catalog, "ibusuki_roleplay"))) <= 18


def test_a_move_out_lists_only_those_who_move(catalog: Catalog) -> None:
    plan = plan_of(catalog, "head_moves_out_family_stays")
    (moving_out,) = plan.forms_of("tenshutsu_todoke")
    assert {field.member for field in moving_out.fields if field.member is not None} == {"0"}
    (insured,) = plan.forms_of("kokuho_dattai")
    assert {field.member for field in insured.fields if field.member is not None} == {"0"}


@pytest.mark.parametrize(
    ("relation", "sex", "head", "applicant_sex", "expected"),
    [
        ("self", "2", "father", "2", "子"),
        ("husband", "1", "father", "2", "子の夫"),
        ("child", "2", "father", "2", "孫"),
        ("mother", "2", "father", "2", "妻"),
        ("self", "1", "wife", "1", "夫"),
        ("father", "1", "wife", "1", "夫の父"),
        ("mother_in_law", "2", "wife", "1", "母"),
        ("self", "2", "child", "2", "母"),
        ("husband", "1", "child", "2", "父"),
        ("sibling", "1", "child", "2", None),
        ("other", "1", "father", "2", None),
    ],
)
def test_relations_are_restated_to_the_head(
    relation: str, sex: str, head: str, applicant_sex: str, expected: str | None
) -> None:
    assert relation_to_head(relation, sex, head, applicant_sex) == expected


def test_a_form_prints_relations_to_the_head_not_to_the_applicant(catalog: Catalog) -> None:
    plan = plan_of(catalog, "birth_in_nhi_grandfather_head")
    (insured,) = plan.forms_of("kokuho_kanyu")
    relation = {field.member: field.value for field in insured.fields if field.id == "zokugara"}
    assert relation == {"2": "孫"}


def test_pages_post_role_address_and_head_and_get_a_household_the_navigator_can_place(
    catalog: Catalog,
) -> None:
    """`with_household` (kiosk and pre-entry) makes what a page posted consistent; `household_gaps` says what
    an applicant living elsewhere still has to give."""
    son = facts_of(catalog, "death_reported_by_son_elsewhere")
    posted = with_household(son, "relative", " みどり市緑ヶ丘三丁目7番8号 ", "2")
    assert (posted.applicant_role, posted.household_address, posted.head_id) == (
        "relative",
        "みどり市緑ヶ丘三丁目7番8号",
        "2",
    )
    assert with_household(son, "relative", "x", "0").head_id == "1"  # the son is not in the household
    member = with_household(son, "boss", "x", "")
    assert (member.applicant_role, member.household_address, member.head_id) == ("member", None, "0")
    make_plan(catalog, with_household(son, "agent", "x", "9"), date(2026, 11, 20))  # placed: no error
    assert household_gaps("member", None, 0) == []
    assert household_gaps("relative", " ", 0) == ["household_address", "household"]
    assert household_gaps("agent", "x", 2) == []
    assert son.head_candidates == ["1", "2"]
    assert member.head_candidates == ["0", "1", "2"]
