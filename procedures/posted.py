"""Answers and household details as web forms post them, for the kiosk, pre-entry and staff interview.

The household's role, address and head post as `applicant_role`, `household_address` and `head`
(`with_household` makes them consistent). A `grades` question posts one select per member, named
`<prefix><member id>` (empty: no grade); an `animals` question posts rows of `animal_kind`, `animal_name`,
`animal_registration` (a row without a kind is unused). The pages turn those into the answer the navigator
checks (`answers.check_answer`), so they refuse the same things. Errors name the question, never what was
typed.
"""

from collections.abc import Iterable, Sequence
from typing import get_args

import msgspec

from procedures.answers import InvalidAnswerError
from protocol.facts import Animal, ApplicantRole, Facts

ROLES: tuple[ApplicantRole, ...] = get_args(ApplicantRole)
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


def with_household(facts: Facts, role: str, address: str, head: str) -> Facts:
    """Facts with the household's role, address and head as a page posted them, made consistent: an unknown
    role is a member's; the address is kept only for an applicant who lives elsewhere; a head who is not a
    candidate (a member since removed, the applicant who is no longer a member) gives way to the default.

    Completeness (an address and members for an applicant outside the household) is `household_gaps`'s."""
    chosen: ApplicantRole = next((item for item in ROLES if item == role), "member")
    facts = msgspec.structs.replace(
        facts,
        applicant_role=chosen,
        household_address=address.strip() or None if chosen != "member" else None,
        head=None,
    )
    return msgspec.structs.replace(facts, head=head if head in facts.head_candidates else None)


def household_gaps(role: str, address: str | None, members: int) -> list[str]:
    """What an applicant outside the household (a known role other than a member's) has yet to give:
    `household_address`, `household` (its members)."""
    if role == "member" or role not in ROLES:
        return []
    gaps = [] if address and address.strip() else ["household_address"]
    return gaps + ([] if members else ["household"])
