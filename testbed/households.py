"""Synthetic citizens for tests and benches: distinctive names and addresses, so leaks can be searched for,
and the sample catalog's example households.

Every household is invented from fixed name lists and a serial; nothing here ever holds a real person's data.
"""

import functools
import random
from datetime import date

import msgspec

from procedures.answers import MissingFacts
from procedures.catalog import Catalog
from procedures.model import Example
from procedures.navigator import make_plan
from procedures.planner import CatalogPlanner
from protocol.facts import AnswerValue, Facts, Member, Person
from protocol.plan import Plan

PLANNER = CatalogPlanner.load()

FAMILY = ["山田", "佐藤", "鈴木", "髙橋", "田中", "渡邊", "伊藤", "中村", "小林", "齋藤"]
GIVEN = ["太郎", "花子", "翔太", "陽菜", "蓮", "結衣", "大翔", "さくら", "悠真", "美咲"]
WARDS = ["中央区", "東区", "西区", "南区", "北区"]


def citizen(rng: random.Random, serial: int) -> Facts:
    """A move-in household whose applicant's name and address carry a unique serial (full-width digits)."""
    tag = str(serial).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    name = f"{rng.choice(FAMILY)}　{rng.choice(GIVEN)}{tag}"
    address = f"熊本県熊本市{rng.choice(WARDS)}手取本町{tag}－{rng.randint(1, 30)}－{rng.randint(1, 999)}"
    family = name.split("　", maxsplit=1)[0]
    child = Member(name=f"{family}　子{tag}", relation="child", birth_date="2019-04-02", sex="2")
    return Facts(
        life_event="move_in",
        language="ja",
        applicant=Person(name=name, address=address, birth_date="1985-06-15", sex="1"),
        household=[child],
        answers=answers_for_every_citizen(),
    )


DEFAULT_ANSWERS: dict[str, AnswerValue] = {
    "yes_no": False,
    "multi": [],
    "members": [],
    "grades": {},
    "animals": [],
    "member": "0",
    "number": 0,
    "date": "2026-11-01",
    "text": "なし",
    "address": "みどり市中央町１－１",
    "phone": "096-000-0000",
}


def answered(facts: Facts) -> Facts:
    """The same facts with every question the sample catalog asks answered plainly ("no", first option)."""
    catalog = PLANNER.catalog
    questions = {compiled.question.id: compiled.question for compiled in catalog.questions}
    answers = dict(facts.answers)
    while True:
        try:
            make_plan(catalog, msgspec.structs.replace(facts, answers=answers), date.today())
        except MissingFacts as missing:
            for question_id in missing.question_ids:
                question = questions[question_id]
                first_option = question.options[0].id if question.options else None
                answers[question_id] = (
                    first_option if question.type == "choice" else DEFAULT_ANSWERS[question.type]
                )
            continue
        return msgspec.structs.replace(facts, answers=answers)


@functools.cache
def answers_for_every_citizen() -> dict[str, AnswerValue]:
    """The questionnaire answered once for the shape all synthetic citizens share (parent + child)."""
    template = Facts(
        life_event="move_in",
        language="ja",
        applicant=Person(name="見本　太郎", address="みどり市中央町１－１", birth_date="1985-06-15", sex="1"),
        household=[Member(name="見本　花子", relation="child", birth_date="2019-04-02", sex="2")],
    )
    return answered(template).answers


def facts_json(facts: Facts) -> bytes:
    """The JSON body the kiosk posts."""
    return msgspec.json.encode(facts)


def example(catalog: Catalog, example_id: str) -> Example:
    """One of the catalog's example households by id."""
    return next(item for item in catalog.content.examples if item.id == example_id)


def facts_of(catalog: Catalog, example_id: str) -> Facts:
    """The facts of an example household."""
    return msgspec.convert(example(catalog, example_id).facts, Facts)


def plan_of(catalog: Catalog, example_id: str) -> Plan:
    """The plan for an example household on its own `today`."""
    return make_plan(
        catalog, facts_of(catalog, example_id), date.fromisoformat(example(catalog, example_id).today)
    )
