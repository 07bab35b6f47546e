"""Catalog conditions in words: every condition of the sample catalog reads as Japanese, never as CEL."""

import pytest

from procedures.catalog import Catalog
from procedures.describe import UnsupportedConditionError, in_words


def _conditions(catalog: Catalog) -> set[str]:
    sources = {rule.when.source for rules in catalog.values.values() for rule in rules}
    for question in catalog.questions:
        sources.add(question.shown_when.source)
        sources |= {question.members_filter.source} if question.members_filter else set()
    for procedure in catalog.procedures:
        sources.add(procedure.required_when.source)
        sources |= {procedure.for_members.source} if procedure.for_members else set()
    return sources


def test_every_condition_of_the_sample_catalog_has_words(catalog: Catalog) -> None:
    for source in _conditions(catalog):
        words = in_words(catalog, source)
        assert words
        assert not any(token in words for token in ("&&", "||", "answers.", "m.", "event"))


@pytest.mark.parametrize(
    ("source", "words"),
    [
        ('event in ["move_in", "move_within"]', "届出の種類が「転入・転居（市内）」のいずれか"),
        ("m.age >= 65", "その人が65歳以上"),
        ("!m.is_applicant", "その人が届け出る方本人ではない"),
        ('applicant.role == "agent"', "届け出る方が「代理人」"),
        (
            'answers.chief_mourner != "someone_else"',
            "「葬儀の喪主（葬儀を行った方）はどなたですか」が「ここにいない方」ではない",
        ),
        ("answers.water", "「市の水道の使用開始・中止の手続きをしますか」が「はい」"),
        ("size(answers.certificates) > 0", "「ほかに必要な証明書を選んでください」で1つ以上選ばれている"),
    ],
)
def test_conditions_read_as_a_clerk_would_say_them(catalog: Catalog, source: str, words: str) -> None:
    assert in_words(catalog, source) == words


@pytest.mark.parametrize("source", ["m.age + 1 > 3", "members.map(m, m.age)", 'answers.x.startsWith("a")'])
def test_conditions_outside_the_subset_are_refused(catalog: Catalog, source: str) -> None:
    with pytest.raises(UnsupportedConditionError):
        in_words(catalog, source)
