"""The people a case is about, as the navigator sees them: numbered, with ages worked out for a given day.

The applicant is member "0" and household members follow as "1", "2", ... in the order of
`Facts.household`; questions of type member/members answer with these ids. Conditions only ever see
`condition_view()` (ids, relations, sex, ages), never names, addresses or birth dates, so a catalog cannot
leak personal data into reasons or logs. Nothing here may log.
"""

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
    address: str | None
    relation: str
    sex: str
    birth_date: date
    age: int
    school_age: int

    def condition_view(self) -> dict[str, str | int | bool]:
        """What CEL conditions may see of this person."""
        return {
            "id": self.id,
            "relation": self.relation,
            "sex": self.sex,
            "age": self.age,
            "school_age": self.school_age,
            "is_applicant": self.id == APPLICANT_ID,
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


def people_of(facts: Facts, today: date) -> tuple[Person, ...]:
    """The applicant and the household, numbered, with ages on `today`."""
    april_first = school_year_start(today)
    applicant = facts.applicant
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
        )
    ]
    for index, member in enumerate(facts.household, start=1):
        member_id = str(index)
        birth = _parse_birth(member.birth_date, member_id, today)
        people.append(
            Person(
                member_id,
                member.name,
                None,
                member.relation,
                member.sex,
                birth,
                age_on(birth, today),
                age_on(birth, april_first),
            )
        )
    return tuple(people)
