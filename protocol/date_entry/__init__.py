"""The citizen pages' date entry (和暦 or 西暦, year, month, day), shared by the kiosk and the pre-entry page.

A citizen may give a birth date as 昭和60年 or as 1985; the page shows the other form as they type
(`static/date_entry.js`), and the server (not the browser) turns the four parts into the ISO date that Facts
carry, so a wrong combination (平成40年, 2月30日) is refused the same way with or without the page's script.
The kiosk (edge agent) and the pre-entry page (central) never import each other, so the parsing, the markup
(`templates/date_entry.html.jinja`) and the script live here, once. Pure functions; nothing is logged.
"""

import json
from collections.abc import Mapping
from datetime import date
from pathlib import Path

from protocol.wareki import ERAS

TEMPLATES = Path(__file__).resolve().parent / "templates"
"""Holds `date_entry.html.jinja`: include it with `date_name`, `date_id` and `date_value` set."""
STATIC = Path(__file__).resolve().parent / "static"
"""Holds `date_entry.js`, which each page serves from its own static path."""
WESTERN = "AD"
LIVING_ERAS = ERAS[:4]
"""令和, 平成, 昭和, 大正: the eras a living citizen's dates fall in."""
ERA_NAMES = tuple(name for _, name in LIVING_ERAS)
ERAS_JSON = json.dumps([[name, start.isoformat()] for start, name in LIVING_ERAS], ensure_ascii=False)
"""The eras as the script reads them (from the entry's `data-eras`), so the table is written only here."""
PARTS = ("era", "year", "month", "day")


def era_parts(value: str) -> dict[str, str]:
    """An ISO date as the entry's parts (Western year): what a prefilled entry shows."""
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return dict.fromkeys(PARTS, "")
    return {"era": WESTERN, "year": str(day.year), "month": str(day.month), "day": str(day.day)}


def _western_year(era: str, year: int) -> int | None:
    if era == WESTERN:
        return year
    start = next((start for start, name in ERAS if name == era), None)
    return None if start is None else start.year + year - 1


def posted_date(form: Mapping[str, object], name: str) -> str:
    """The ISO date the parts `<name>_era|year|month|day` make ("" if they make none), or `<name>` itself
    when the page posted a whole date (a pre-entry page carrying an earlier answer)."""
    parts = {part: str(form.get(f"{name}_{part}", "") or "").strip() for part in PARTS}
    if not any(parts[part] for part in ("year", "month", "day")):
        return str(form.get(name, "") or "").strip()
    if not all(parts[part].isdecimal() and parts[part].isascii() for part in ("year", "month", "day")):
        return ""
    year = _western_year(parts["era"], int(parts["year"]))
    if year is None or not 1 <= year <= 9999:
        return ""
    try:
        day = date(year, int(parts["month"]), int(parts["day"]))
    except (ValueError, OverflowError):  # 2月30日, or a month of thirty digits
        return ""
    era_start = next((start for start, name in ERAS if name == parts["era"]), None)
    later = [start for start, _ in ERAS if era_start is not None and start > era_start]
    if era_start is not None and (day < era_start or (later and day >= min(later))):
        return ""  # 平成40年 is not a day
    return day.isoformat()


TEMPLATE_GLOBALS = {"era_parts": era_parts, "era_names": ERA_NAMES, "eras_json": ERAS_JSON}
"""What `date_entry.html.jinja` needs from its page's Jinja environment."""
