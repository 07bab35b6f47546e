"""Kiosk languages: gettext catalogs (compiled .mo, committed) per language tag, and dates in 和暦.

Message ids are English; every language, Japanese included, has its own catalog under `locales/<tag>/`.
Only interface text goes through here: never personal data.
"""

import gettext
from datetime import date
from functools import cache
from pathlib import Path

LOCALES = Path(__file__).resolve().parent / "locales"
DOMAIN = "kiosk"
LANGUAGES: dict[str, str] = {
    "ja": "日本語",
    "ja-easy": "やさしい にほんご",
    "en": "English",
    "zh-Hans": "简体中文",
    "ko": "한국어",
    "vi": "Tiếng Việt",
    "pt": "Português",
    "tl": "Tagalog",
    "ne": "नेपाली",
    "id": "Bahasa Indonesia",
}
"""Language tag → its own name, in the order the start screen shows them (Japanese first)."""

_ERAS = (
    (date(2019, 5, 1), "令和"),
    (date(1989, 1, 8), "平成"),
    (date(1926, 12, 25), "昭和"),
    (date(1912, 7, 30), "大正"),
    (date(1868, 10, 23), "明治"),
)


def N_(message: str) -> str:  # noqa: N802  # gettext's name for "mark for extraction, translate later"
    """Mark a message for extraction; it is translated where it is shown."""
    return message


def mo_path(language: str) -> Path:
    """Where a language's compiled catalog lives."""
    return LOCALES / language / "LC_MESSAGES" / f"{DOMAIN}.mo"


@cache
def translations(language: str) -> gettext.NullTranslations:
    """The compiled catalog of a kiosk language; KeyError for a language the kiosk does not offer."""
    if language not in LANGUAGES:
        raise KeyError(language)
    with mo_path(language).open("rb") as handle:
        return gettext.GNUTranslations(handle)


def html_lang(language: str) -> str:
    """The BCP 47 tag for the page's `lang` attribute (やさしい日本語 is Japanese to a screen reader)."""
    return "ja" if language == "ja-easy" else language


def wareki(iso_date: str) -> str:
    """An ISO date as a Japanese era date (令和8年4月1日; the first year is 元年); unchanged if not a date."""
    try:
        day = date.fromisoformat(iso_date)
    except ValueError:
        return iso_date
    for start, era in _ERAS:
        if day >= start:
            year = day.year - start.year + 1
            return f"{era}{'元' if year == 1 else year}年{day.month}月{day.day}日"
    return f"{day.year}年{day.month}月{day.day}日"
