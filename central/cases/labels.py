"""What staff read instead of codes: 性別, 続柄, counter, office, question and corrected-field labels.

Counters, relations and questions come from the city's catalog; office names from DATA_DIR/offices.toml
(`[offices]` then `honcho = "本庁舎"`, one line per office; an office not listed shows its id). Labels only,
never personal data.
"""

import functools
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from procedures.catalog import Catalog

OFFICES_FILE = "offices.toml"
SEXES = {"1": "男", "2": "女", "9": "適用不能", "0": "不明"}
"""ISO 5218 as staff read it."""
PERSON_FIELDS = {
    "name": "氏名",
    "address": "住所",
    "birth_date": "生年月日",
    "sex": "性別",
    "relation": "続柄",
}
ROLES = {"staff": "職員", "supervisor": "監督者", "admin": "管理者"}
_FIELD = re.compile(r"^(applicant|household\.(\d{1,2}))\.(\w+)$")


def field_label(path: str) -> str:
    """A corrected field: `household.3.name` → 世帯員4 氏名; `applicant.sex` → 申請者 性別."""
    match = _FIELD.match(path)
    if match is None:
        return path
    who = "申請者" if match.group(2) is None else f"世帯員{int(match.group(2)) + 1}"
    return f"{who} {PERSON_FIELDS.get(match.group(3), match.group(3))}"


@functools.cache
def office_names(data_dir: Path) -> Mapping[str, str]:
    """Office id → name from the data dir's offices.toml (empty when there is none)."""
    path = data_dir / OFFICES_FILE
    if not path.is_file():
        return {}
    offices = tomllib.loads(path.read_text(encoding="utf-8")).get("offices", {})
    return {str(key): str(value) for key, value in offices.items()}


@dataclass(frozen=True, slots=True)
class StaffLabels:
    """Japanese labels for the codes a case holds, from the catalog and the office names."""

    catalog: Catalog
    offices: Mapping[str, str]

    def sex(self, code: str) -> str:
        """性別: 男, 女, ..."""
        return SEXES.get(code, code)

    def relation(self, code: str) -> str:
        """続柄 as forms print it (妻, 子, ...)."""
        relation = self.catalog.relations.get(code)
        return relation.label["ja"] if relation else code

    def counter(self, counter_id: str | None) -> str:
        """A counter's name (市民課（住民異動・証明）, ...)."""
        if counter_id is None:
            return "—"
        counter = self.catalog.counters.get(counter_id)
        return counter.name["ja"] if counter else counter_id

    def office(self, office_id: str) -> str:
        """An office's name (本庁舎, ...)."""
        return self.offices.get(office_id, office_id)

    def question(self, question_id: str) -> str:
        """A question as the citizen read it, in Japanese."""
        question = self.catalog.question_by_id.get(question_id)
        return question.label["ja"] if question else question_id

    def field(self, path: str) -> str:
        """A corrected field by its label (field_label)."""
        return field_label(path)

    def value(self, path: str, value: str) -> str:
        """A corrected value as staff read it (性別 and 続柄 by label)."""
        if path.endswith(".sex"):
            return self.sex(value)
        if path.endswith(".relation"):
            return self.relation(value)
        return value
