"""Answers of the structured question types as web forms post them, for the kiosk and staff's interview alike.

A `grades` question posts one select per member, named `<prefix><member id>` (empty: no grade); an `animals`
question posts rows of `animal_kind`, `animal_name`, `animal_registration` (a row without a kind is
unused). Both pages turn those into the answer the navigator checks (`answers.check_answer`), so they refuse
the same things. Errors name the question, never what was typed.
"""

from collections.abc import Iterable, Sequence

import msgspec

from procedures.answers import InvalidAnswerError
from protocol.facts import Animal

ANIMAL_ROWS = 4
"""Rows an animals screen offers; a household with more animals tells staff at the counter."""


def grades_from(prefix: str, posted: Iterable[tuple[str, str]]) -> dict[str, str]:
    """`{member id: option id}` from `(field name, value)` pairs; members left at "none" are left out."""
    return {
        name.removeprefix(prefix): value.strip()
        for name, value in posted
        if name.startswith(prefix) and value.strip()
    }


def animals_from(
    question_id: str, kinds: Sequence[str], names: Sequence[str], registrations: Sequence[str]
) -> list[Animal]:
    """The animals of the rows that have a kind; raises InvalidAnswerError for a row without a name."""
    animals = []
    for index, kind in enumerate(kinds[:ANIMAL_ROWS]):
        if not kind.strip():
            continue
        name = names[index].strip() if index < len(names) else ""
        registration = registrations[index].strip() if index < len(registrations) else ""
        try:
            animals.append(
                msgspec.convert(
                    {"kind": kind.strip(), "name": name, "registration": registration or None}, Animal
                )
            )
        except msgspec.ValidationError:
            raise InvalidAnswerError(question_id, "every animal needs a kind and a name") from None
    return animals
