"""The pre-entry form: its fields, and turning a posted form into checked Facts (no web framework here).

Problems are reported as message ids to translate, naming the field, never echoing what was typed into
logs. Nothing here stores anything.
"""

import re
from dataclasses import dataclass, field
from datetime import date
from typing import get_args

from procedures.posted import household_gaps, with_household
from protocol.citizen_text import SEXES
from protocol.date_entry import PARTS, posted_date
from protocol.facts import MAX_ADDRESS, MAX_NAME, AnswerValue, Facts, LifeEvent, Member, Person, Sex

from .i18n import N_

MAX_MEMBERS = 9
MAX_PHONE = 20
_PHONE = re.compile(r"[0-9+() -]*")
_COUNT = re.compile(r"[0-9]{1,2}")
LIMITS = {"name": MAX_NAME, "address": MAX_ADDRESS, "phone": MAX_PHONE}
"""Field lengths the page's inputs announce (maxlength) and the check enforces."""
TOO_LONG = N_("Please enter at most %(count)s characters.")
GAPS = {
    "household_address": N_("Please enter the household's address."),
    "household": N_("Please add the people of the household (you are not one of them)."),
}
"""What an applicant who lives elsewhere has left out (`household_gaps`) → message id."""


def member_count(posted: str) -> int:
    """The hidden member count as posted: ASCII digits only (`"²".isdigit()` is true but `int` refuses it)."""
    return int(posted) if _COUNT.fullmatch(posted) else 0


@dataclass
class Entry:
    """What the citizen typed so far (strings as posted), and the problems found in it."""

    values: dict[str, str]
    members: int
    problems: dict[str, str] = field(default_factory=dict)
    """Field name → message id."""
    limits: dict[str, int] = field(default_factory=dict)
    """Field name → the length it must not exceed, for problems that say so."""

    @classmethod
    def from_form(cls, form: dict[str, str], members: int) -> "Entry":
        """Keep the posted strings, stripped; each birth date put together from its entry's parts."""
        count = max(0, min(members, MAX_MEMBERS))
        values = {key: value.strip() for key, value in form.items()}
        for prefix in ["", *(f"m{index}_" for index in range(count))]:
            values[prefix + "birth_date"] = posted_date(values, prefix + "birth_date")
        parts = {f"{name}_{part}" for name in values if name.endswith("birth_date") for part in PARTS}
        return cls({key: value for key, value in values.items() if key not in parts}, count)

    def get(self, name: str) -> str:
        """A posted value ("" when absent)."""
        return self.values.get(name, "")


def _check_length(entry: Entry, name: str, limit: int) -> None:
    if len(entry.get(name)) > limit:
        entry.problems[name] = TOO_LONG
        entry.limits[name] = limit


def _check_person(entry: Entry, prefix: str) -> None:
    if not entry.get(prefix + "name"):
        entry.problems[prefix + "name"] = N_("Please enter the name.")
    _check_length(entry, prefix + "name", MAX_NAME)
    try:
        if date.fromisoformat(entry.get(prefix + "birth_date")) > date.today():
            raise ValueError
    except ValueError:
        entry.problems[prefix + "birth_date"] = N_("Please enter the date of birth.")
    if entry.get(prefix + "sex") not in SEXES:
        entry.problems[prefix + "sex"] = N_("Please choose one.")


def check(entry: Entry, relations: set[str]) -> Facts | None:
    """The facts of a complete entry; None (with `entry.problems` filled in) otherwise."""
    if entry.get("life_event") not in get_args(LifeEvent):
        entry.problems["life_event"] = N_("Please choose one.")
    _check_person(entry, "")
    if not entry.get("address"):
        entry.problems["address"] = N_("Please enter the address.")
    _check_length(entry, "address", MAX_ADDRESS)
    if not _PHONE.fullmatch(entry.get("phone")):
        entry.problems["phone"] = N_("Please enter the phone number in digits.")
    _check_length(entry, "phone", MAX_PHONE)
    for index in range(entry.members):
        prefix = f"m{index}_"
        _check_person(entry, prefix)
        if entry.get(prefix + "relation") not in relations:
            entry.problems[prefix + "relation"] = N_("Please choose one.")
    if entry.get("applicant_role") not in ("", "member"):  # the address is hidden (and unused) for a member
        _check_length(entry, "household_address", MAX_ADDRESS)
    gaps = household_gaps(entry.get("applicant_role"), entry.get("household_address"), entry.members)
    entry.problems |= {gap: GAPS[gap] for gap in gaps}
    if entry.problems:
        return None
    answers: dict[str, AnswerValue] = {"phone": entry.get("phone")} if entry.get("phone") else {}
    facts = Facts(
        life_event=entry.get("life_event"),  # type: ignore[arg-type]  # checked against LifeEvent above
        language=entry.get("lang"),
        applicant=Person(entry.get("name"), entry.get("address"), entry.get("birth_date"), _sex(entry, "")),
        household=[
            Member(
                entry.get(f"m{index}_name"),
                entry.get(f"m{index}_relation"),
                entry.get(f"m{index}_birth_date"),
                _sex(entry, f"m{index}_"),
            )
            for index in range(entry.members)
        ],
        answers=answers,
    )
    return with_household(
        facts, entry.get("applicant_role"), entry.get("household_address"), entry.get("head")
    )


def _sex(entry: Entry, prefix: str) -> Sex:
    value = entry.get(prefix + "sex")
    assert value in get_args(Sex)
    return value  # type: ignore[return-value]  # narrowed by the assert
