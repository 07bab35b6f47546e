"""Defect 5 of the hostile-input review: every field of the facts has a bound, checked before any work."""

from datetime import date

import msgspec
import pytest

from procedures.navigator import UnsupportedLanguageError, make_plan
from procedures.people import InvalidPersonError
from procedures.planner import CatalogPlanner
from protocol.facts import MAX_HOUSEHOLD, MAX_NAME, Facts, Member, Person, checked, decode_facts

APPLICANT = {"name": "山田　太郎", "address": "みどり市中央1-1", "birth_date": "1980-01-01", "sex": "1"}
PLANNER = CatalogPlanner.load()
MEMBER = {"name": "山田　花子", "relation": "wife", "birth_date": "1982-02-02", "sex": "2"}


def facts(**changes: object) -> bytes:
    body: dict[str, object] = {"life_event": "move_in", "language": "ja", "applicant": APPLICANT}
    body.update(changes)
    return msgspec.json.encode(body)


@pytest.mark.parametrize(
    ("changes", "where"),
    [
        ({"applicant": {**APPLICANT, "name": "x" * 9_900_000}}, "$.applicant.name"),
        ({"applicant": {**APPLICANT, "name": "x" * (MAX_NAME + 1)}}, "$.applicant.name"),
        ({"applicant": {**APPLICANT, "name": "　 "}}, "$.applicant.name"),
        ({"applicant": {**APPLICANT, "address": ""}}, "$.applicant.address"),
        ({"applicant": {**APPLICANT, "birth_date": "Showa 55"}}, "$.applicant.birth_date"),
        ({"household": [MEMBER] * 10_000}, "$.household"),
        ({"household": [{**MEMBER, "relation": "<script>"}]}, "$.household[0].relation"),
        ({"language": "x" * 65}, "$.language"),
        ({"answers": {f"q{n}": True for n in range(101)}}, "$.answers"),
        ({"answers": {"pet_name": "x" * 501}}, "$.answers[...]"),
        ({"answers": {"members": ["1"] * 51}}, "$.answers[...]"),
    ],
)
def test_oversized_or_malformed_facts_are_refused_naming_the_field(
    changes: dict[str, object], where: str
) -> None:
    with pytest.raises(msgspec.ValidationError) as refused:
        decode_facts(facts(**changes))
    assert where in str(refused.value)
    assert "xxxx" not in str(refused.value), "errors never echo the value"


def test_the_largest_allowed_household_is_accepted() -> None:
    assert len(decode_facts(facts(household=[MEMBER] * MAX_HOUSEHOLD)).household) == MAX_HOUSEHOLD


def test_facts_built_in_code_are_checked_before_use() -> None:
    built = Facts(
        life_event="move_in",
        language="ja",
        applicant=Person(name="x" * (MAX_NAME + 1), address="a", birth_date="1980-01-01", sex="1"),
        household=[Member(name="b", relation="child", birth_date="2020-01-01", sex="2")],
    )
    with pytest.raises(msgspec.ValidationError, match=r"\$\.applicant\.name"):
        checked(built)


@pytest.mark.parametrize(
    ("changes", "refused"),
    [
        ({"language": "xx"}, UnsupportedLanguageError),
        ({"household": [{**MEMBER, "relation": "butler"}]}, InvalidPersonError),
        ({"applicant": {**APPLICANT, "birth_date": "2999-01-01"}}, InvalidPersonError),
        ({"household": [{**MEMBER, "birth_date": "2027-01-01"}]}, InvalidPersonError),
    ],
)
def test_the_navigator_refuses_what_it_cannot_plan(
    changes: dict[str, object], refused: type[Exception]
) -> None:
    with pytest.raises(refused):
        make_plan(PLANNER.catalog, decode_facts(facts(**changes)), date(2026, 11, 30))
