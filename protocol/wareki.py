"""Japanese era dates (和暦) as Japanese screens and paper forms show them: 1985-06-15 → 昭和60年6月15日.

The kiosk (edge agent) and the staff's form PDFs (central) must print a date the same way, and they never
import each other, so the one rule lives here. Pure functions: no personal data kept, nothing logged.
"""

import re
from datetime import date

ERAS: tuple[tuple[date, str], ...] = (
    (date(2019, 5, 1), "令和"),
    (date(1989, 1, 8), "平成"),
    (date(1926, 12, 25), "昭和"),
    (date(1912, 7, 30), "大正"),
    (date(1868, 10, 23), "明治"),
)
"""Era start days, newest first; an era's first year (元年) is the Gregorian year it starts in."""
GREGORIAN_SINCE = date(1873, 1, 1)
"""Japan's move to the Gregorian calendar (明治6年): before it a Gregorian month and day under an era name
would be a day that never existed, so earlier dates stay Gregorian."""
_WRITTEN = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$")


def wareki(day: date) -> str:
    """The date in the era it falls in (令和8年4月1日; first years as 元年)."""
    if day >= GREGORIAN_SINCE:
        for start, era in ERAS:
            if day >= start:
                year = day.year - start.year + 1
                return f"{era}{'元' if year == 1 else year}年{day.month}月{day.day}日"
    return f"{day.year}年{day.month}月{day.day}日"


def wareki_iso(value: str) -> str:
    """An ISO date (as in Facts) in 和暦; anything that is not a date is unchanged."""
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return value
    return wareki(day)


def wareki_text(value: str) -> str:
    """A form value: a date written the Japanese way (1985年6月15日) in 和暦; anything else unchanged."""
    match = _WRITTEN.match(value)
    if match is None:
        return value
    try:
        day = date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return value
    return wareki(day)
