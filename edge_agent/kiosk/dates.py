"""The kiosk's date entry: era (和暦) or Western year, year, month and day, put together on the server.

A citizen may give a birth date as 昭和60年 or as 1985; the page shows the other form as they type, and the
server (not the browser) turns the four parts into the ISO date that Facts carry, so a wrong combination
(平成40年, 2月30日) is refused the same way with or without the page's script.
"""

from collections.abc import Mapping
from datetime import date

from protocol.wareki import ERAS

WESTERN = "AD"
ERA_NAMES = tuple(name for _, name in ERAS[:4])
"""令和, 平成, 昭和, 大正: the eras a living citizen's dates fall in."""


def era_parts(value: str) -> dict[str, str]:
    """An ISO date as the entry's parts (Western year): what a prefilled entry shows."""
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return {"era": "", "year": "", "month": "", "day": ""}
    return {"era": WESTERN, "year": str(day.year), "month": str(day.month), "day": str(day.day)}


def _western_year(era: str, year: int) -> int | None:
    if era == WESTERN:
        return year
    start = next((start for start, name in ERAS if name == era), None)
    return None if start is None else start.year + year - 1


def posted_date(form: Mapping[str, object], name: str) -> str:
    """The ISO date the parts `<name>_era|year|month|day` make ("" if they make none), or `<name>` itself
    when the page posted a whole date."""
    parts = {part: str(form.get(f"{name}_{part}", "")).strip() for part in ("era", "year", "month", "day")}
    if not any(parts.values()):
        return str(form.get(name, "")).strip()
    if not all(parts[part].isdecimal() and parts[part].isascii() for part in ("year", "month", "day")):
        return ""
    year = _western_year(parts["era"], int(parts["year"]))
    if year is None or not 1 <= year <= 9999:
        return ""
    try:
        day = date(year, int(parts["month"]), int(parts["day"]))
    except ValueError:
        return ""
    era_start = next((start for start, name in ERAS if name == parts["era"]), None)
    later = [start for start, _ in ERAS if era_start is not None and start > era_start]
    if era_start is not None and (day < era_start or (later and day >= min(later))):
        return ""  # 平成40年 is not a day
    return day.isoformat()
