"""The people a case is about, as the navigator sees them: numbered, with ages worked out for a given day.

The applicant is person "0" and household members follow as "1", "2", ... in the order of
`Facts.household`; questions of type member/members answer with these ids. The applicant belongs to the
household unless `Facts.applicant_role` says otherwise (a relative living elsewhere, an agent); everyone
in the household lives at the household's address. Conditions only ever see `condition_view()` (ids,
relations, sex, ages, who is head, who is in the household), never names, addresses or birth dates, so a
catalog cannot leak personal data into reasons or logs. Nothing here may log.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from protocol.facts import Facts

APPLICANT_ID = "0"
SCHOOL_YEAR_START_MONTH = 4


def age_on(birth: date, day: date) -> int:
    """Full years from `birth` to `day` (a birthday counts on the day itself)."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def school_year_start(today: date) -> date:
    """April 1 starting the Japanese school (and fiscal) year that contains `today`."""
    year = today.year if today.month >= SCHOOL_YEAR_START_MONTH else today.year - 1
    return date(year, SCHOOL_YEAR_START_MONTH, 1)


@dataclass(frozen=True)
class Person:
    """One member of the case; `school_age` is the age on April 1 of this school year (grade 1 = 6)."""

    id: str
    name: str
    address: str
    relation: str
    sex: str
    birth_date: date
    age: int
    school_age: int
    in_household: bool = True
    is_head: bool = False

    def condition_view(self) -> dict[str, str | int | bool]:
        """What CEL conditions may see of this person."""
        return {
            "id": self.id,
            "relation": self.relation,
            "sex": self.sex,
            "age": self.age,
            "school_age": self.school_age,
            "is_applicant": self.id == APPLICANT_ID,
            "is_head": self.is_head,
            "in_household": self.in_household,
        }


class InvalidPersonError(ValueError):
    """A person the navigator cannot plan for; names the member id and the field, never the person."""

    def __init__(self, member_id: str, field: str, problem: str) -> None:
        super().__init__(f"member {member_id}: {field} {problem}")
        self.member_id = member_id
        self.field = field


class InvalidBirthDateError(InvalidPersonError):
    """A birth date that is not an ISO date, or lies after the day of planning."""

    def __init__(self, member_id: str, problem: str = "is not an ISO date (YYYY-MM-DD)") -> None:
        super().__init__(member_id, "birth_date", problem)


def _parse_birth(value: str, member_id: str, today: date) -> date:
    try:
        birth = date.fromisoformat(value)
    except ValueError:
        raise InvalidBirthDateError(member_id) from None
    if birth > today:
        raise InvalidBirthDateError(member_id, "is after today")
    return birth


def condition_views(
    facts: Facts, people: Sequence[Person]
) -> tuple[dict[str, str | int | bool], list[dict[str, str | int | bool]]]:
    """The applicant (with its role) and the household members, as conditions see them."""
    applicant = {**people[0].condition_view(), "role": facts.applicant_role}
    return applicant, [person.condition_view() for person in people if person.in_household]


def _check_household(facts: Facts) -> None:
    """A household the navigator can plan for: someone in it, an address for it, a head among it."""
    if not facts.applicant_in_household:
        if not facts.household:
            raise InvalidPersonError(APPLICANT_ID, "household", "is empty while the applicant is not in it")
        if facts.household_address is None:
            raise InvalidPersonError(APPLICANT_ID, "household_address", "is missing")
    head = facts.head_id
    if head not in facts.head_candidates:
        raise InvalidPersonError(head, "head", "is not a member of the household")


def people_of(facts: Facts, today: date) -> tuple[Person, ...]:
    """The applicant and the household, numbered, with ages on `today`; raises InvalidPersonError."""
    _check_household(facts)
    april_first = school_year_start(today)
    applicant = facts.applicant
    household_address = facts.address_of_household
    head = facts.head_id
    birth = _parse_birth(applicant.birth_date, APPLICANT_ID, today)
    people = [
        Person(
            APPLICANT_ID,
            applicant.name,
            applicant.address,
            "self",
            applicant.sex,
            birth,
            age_on(birth, today),
            age_on(birth, april_first),
            in_household=facts.applicant_in_household,
            is_head=head == APPLICANT_ID,
        )
    ]
    for index, member in enumerate(facts.household, start=1):
        member_id = str(index)
        birth = _parse_birth(member.birth_date, member_id, today)
        people.append(
            Person(
                member_id,
                member.name,
                household_address,
                member.relation,
                member.sex,
                birth,
                age_on(birth, today),
                age_on(birth, april_first),
                is_head=head == member_id,
            )
        )
    return tuple(people)
