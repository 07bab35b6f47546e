"""A bad catalog is refused with file, line and what is wrong — for schema, YAML, references and CEL."""

from pathlib import Path

import pytest

from procedures.loader import load_catalog_dir
from procedures.problems import CatalogError, Problem

TINY = """\
catalog:
  id: tiny
  city: {ja: 小市, en: Tiny}
  version: "1"
  languages: [ja, en]
counters:
  - id: desk
    name: {ja: 窓口, en: Desk}
    office: {ja: 本庁, en: Hall}
    floor: 1
    location: {ja: 入口, en: Entrance}
    order: 1
documents:
  - id: identity
    name: {ja: 本人確認書類, en: ID}
questions:
  - id: phone
    type: phone
    label: {ja: 電話, en: Phone}
  - id: has_dog
    type: yes_no
    label: {ja: 犬, en: Dog}
procedures:
  - id: dog
    name: {ja: 犬, en: Dog}
    department: {ja: 課, en: Division}
    counter: desk
    events: [move_in]
    required_when: 'answers.has_dog'
    reason: {ja: 犬がいるため, en: because of the dog}
    documents: [identity]
    forms: [dog_form]
"""
TINY_FORMS = """\
forms:
  - id: dog_form
    title: 犬の届
    per: case
    fields:
      - {id: owner, label: 氏名, type: name, source: applicant.name}
      - {id: phone, label: 電話, type: phone, source: answer.phone}
"""


def _write(directory: Path, catalog: str = TINY, forms: str = TINY_FORMS) -> None:
    (directory / "forms").mkdir(exist_ok=True)
    (directory / "catalog.yaml").write_text(catalog, encoding="utf-8")
    (directory / "forms" / "dog.yaml").write_text(forms, encoding="utf-8")


def _problems(directory: Path, **files: str) -> list[Problem]:
    _write(directory, **files)
    with pytest.raises(CatalogError) as refused:
        load_catalog_dir(directory)
    return list(refused.value.problems)


def _line(text: str, needle: str) -> int:
    return next(number for number, line in enumerate(text.splitlines(), start=1) if needle in line)


def test_the_tiny_catalog_is_valid(tmp_path: Path) -> None:
    _write(tmp_path)
    catalog = load_catalog_dir(tmp_path)
    assert catalog.meta.id == "tiny"
    assert catalog.content_hash.startswith("sha256:")


@pytest.mark.parametrize(
    ("old", "new", "needle", "message"),
    [
        ("counter: desk", "counter: desks", "counter: desks", "unknown counter 'desks'"),
        (
            "    counter: desk\n",
            "    counter: desk\n    colour: red\n",
            "colour: red",
            "'colour' was unexpected",
        ),
        ("'answers.has_dog'", "'answers.has_dog &&'", "required_when", "CEL syntax error"),
        ("'answers.has_dog'", "'answers.phone == \"1\"'", "required_when", "free text"),
        (
            "'answers.has_dog'",
            "'answers.has_dog || answers.has_cat'",
            "required_when",
            "unknown question answers.has_cat",
        ),
        (
            "    counter: desk\n",
            "    counter: desk\n    counter: hall\n",
            "counter: hall",
            "duplicate key 'counter'",
        ),
        ("events: [move_in]", "events: [moving_in]", "events:", "'moving_in' is not one of"),
        ("floor: 1", "floor: first", "floor:", "'first' is not of type 'integer'"),
        ("forms: [dog_form]", "forms: [dog_form, cat_form]", "cat_form", "unknown form 'cat_form'"),
        ("because of the dog", "because of $dog", "because of $dog", "only use the placeholder $count"),
        (
            "    type: phone\n",
            "    type: phone\n    shown_when: 'answers.has_dog'\n",
            "shown_when",
            "not asked before",
        ),
        (
            "    required_when: 'answers.has_dog'\n",
            "",
            "id: has_dog",
            "question has_dog is asked but never used",
        ),
        (
            "questions:\n",
            "  - {id: identity, name: {ja: 再, en: Again}}\nquestions:\n",
            "{ja: 再",
            "duplicate id",
        ),
    ],
)
def test_catalog_problems_name_file_line_and_cause(
    tmp_path: Path, old: str, new: str, needle: str, message: str
) -> None:
    assert old in TINY
    text = TINY.replace(old, new, 1)
    problems = _problems(tmp_path, catalog=text)
    found = [problem for problem in problems if message in problem.message]
    assert found, [str(problem) for problem in problems]
    assert found[0].file == "catalog.yaml"
    assert found[0].line == _line(text, needle), str(found[0])


def test_problems_in_another_file_name_that_file(tmp_path: Path) -> None:
    forms = TINY_FORMS.replace("source: answer.phone", "source: answer.fax")
    problems = [p for p in _problems(tmp_path, forms=forms) if p.file == "forms/dog.yaml"]
    assert [p.line for p in problems] == [_line(forms, "answer.fax")]
    assert "unknown question 'fax'" in problems[0].message


def test_member_sources_need_a_member(tmp_path: Path) -> None:
    forms = TINY_FORMS.replace("source: applicant.name", "source: member.name")
    problems = _problems(tmp_path, forms=forms)
    assert "needs a member" in problems[0].message
    assert problems[0].line == _line(forms, "member.name")


def test_yaml_syntax_errors_carry_the_line(tmp_path: Path) -> None:
    text = TINY.replace("forms: [dog_form]", "forms: [dog_form\n  oops: {")
    problems = _problems(tmp_path, catalog=text)
    assert problems[0].file == "catalog.yaml"
    assert problems[0].line >= _line(text, "forms: [dog_form")


def test_every_citizen_text_is_required_in_every_kiosk_language(tmp_path: Path) -> None:
    text = TINY.replace("languages: [ja, en]", "languages: [ja, en, ko]")
    problems = _problems(tmp_path, catalog=text)
    assert all("missing languages ko" in p.message for p in problems)
    needles = ["city:", "label: {ja: 電話", "label: {ja: 犬", "name: {ja: 犬", "department:", "reason:"]
    needles += ["name: {ja: 窓口", "office:", "location:", "name: {ja: 本人確認書類"]
    assert sorted(p.line for p in problems) == sorted(_line(text, needle) for needle in needles)


def test_yaml_dates_stay_strings(tmp_path: Path) -> None:
    text = TINY.replace('version: "1"', "version: 2026-11-01")
    problems = _problems(tmp_path, catalog=text)
    assert [p.message for p in problems] == [
        "catalog.version: '2026-11-01' does not match '^[0-9]+(\\\\.[0-9]+)*$'"
    ]


def test_yes_and_no_stay_strings(tmp_path: Path) -> None:
    text = TINY.replace("id: desk\n", "id: no\n", 1)
    problems = _problems(tmp_path, catalog=text)
    assert [p.message for p in problems] == ["procedure dog: unknown counter 'desk'"]


def test_an_empty_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match="no catalog files"):
        load_catalog_dir(tmp_path)


def test_recursive_aliases_are_refused(tmp_path: Path) -> None:
    text = TINY + "examples: &loop [*loop]\n"
    problems = _problems(tmp_path, catalog=text)
    assert [(p.line, p.message) for p in problems] == [(_line(text, "&loop"), "an alias refers to itself")]


def test_alias_bombs_are_refused(tmp_path: Path) -> None:
    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    levels += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]" for n in range(1, 7)]
    problems = _problems(tmp_path, catalog=TINY + "\n".join(levels) + "\n")
    assert "too many values" in problems[0].message


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("animal.name", "needs an animal"),
        ("grade.has_dog", "needs a member"),
        ("person.phone.name", "question phone is not a member question"),
        ("person.nobody.address", "unknown question 'nobody'"),
    ],
)
def test_new_sources_are_checked_where_they_are_used(tmp_path: Path, source: str, message: str) -> None:
    forms = TINY_FORMS.replace("source: applicant.name", f"source: {source}")
    problems = _problems(tmp_path, forms=forms)
    assert any(message in problem.message for problem in problems), [str(p) for p in problems]


def test_per_animal_forms_need_an_animals_question_of_that_kind(tmp_path: Path) -> None:
    text = TINY.replace(
        "    required_when: 'answers.has_dog'\n",
        "    required_when: 'answers.has_dog'\n    for_animals: [dog]\n",
    )
    forms = TINY_FORMS.replace("per: case", "per: animal")
    problems = _problems(tmp_path, catalog=text, forms=forms)
    assert [p.message for p in problems] == ["procedure dog: no animals question offers 'dog'"]
    assert problems[0].line == _line(text, "for_animals")
