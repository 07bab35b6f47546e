"""Japanese era dates (和暦) as paper forms print them: 1985年6月15日 → 昭和60年6月15日, first years as 元年.

Pure functions over dates; holds no personal data and logs nothing.
"""

import re
from datetime import date

ERAS: tuple[tuple[date, str], ...] = (
    (date(2019, 5, 1), "令和"),
    (date(1989, 1, 8), "平成"),
    (date(1926, 12, 25), "昭和"),
    (date(1912, 7, 30), "大正"),
    (date(1873, 1, 1), "明治"),
)
"""Era start days, newest first (明治 from the adoption of the Gregorian calendar)."""
_GREGORIAN = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$")


def wareki(day: date) -> str:
    """The date in the era it falls in; dates before 明治6年 stay Gregorian."""
    for start, era in ERAS:
        if day >= start:
            year = day.year - start.year + 1
            return f"{era}{'元' if year == 1 else year}年{day.month}月{day.day}日"
    return f"{day.year}年{day.month}月{day.day}日"


def wareki_text(value: str) -> str:
    """A form value: a Gregorian date written the Japanese way becomes 和暦; anything else is unchanged."""
    match = _GREGORIAN.match(value)
    if match is None:
        return value
    try:
        day = date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return value
    return wareki(day)
