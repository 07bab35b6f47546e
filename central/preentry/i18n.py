"""Pre-entry page languages: gettext catalogs (compiled .mo, committed) under `locales/<tag>/`.

Message ids are English. Each catalog translates "this language" to the language's own name, which is how
the language links are labelled. Only interface text goes through here: never personal data.
"""

import gettext
from functools import cache
from pathlib import Path

LOCALES = Path(__file__).resolve().parent / "locales"
DOMAIN = "preentry"
LANGUAGES = ("ja", "ja-easy", "en", "zh-Hans", "ko", "vi", "pt", "tl", "ne", "id")
"""The kiosk's languages, Japanese first."""


def mo_path(language: str) -> Path:
    """Where a language's compiled catalog lives."""
    return LOCALES / language / "LC_MESSAGES" / f"{DOMAIN}.mo"


@cache
def translations(language: str) -> gettext.NullTranslations:
    """The compiled catalog of a language; KeyError for a language the page does not offer."""
    if language not in LANGUAGES:
        raise KeyError(language)
    with mo_path(language).open("rb") as handle:
        return gettext.GNUTranslations(handle)


def N_(message: str) -> str:  # noqa: N802  # gettext's name for "mark for extraction, translate later"
    """Mark a message for extraction; it is translated where it is shown."""
    return message


def html_lang(language: str) -> str:
    """The BCP 47 tag for the page's `lang` attribute (やさしい日本語 is Japanese to a screen reader)."""
    return "ja" if language == "ja-easy" else language
