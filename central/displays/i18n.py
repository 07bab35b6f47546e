"""The public pages' languages: their own gettext catalogs (domain `displays`, .mo committed in `locales/`).

The congestion and status pages offer every language of the citizen pages (`protocol.citizen_text`); the
waiting-room display shows its labels in Japanese and English side by side. Never personal data.
"""

from pathlib import Path

from protocol.citizen_text import LANGUAGES, N_, Catalogs, html_lang

__all__ = ["CATALOGS", "LANGUAGES", "N_", "html_lang", "language", "translations"]

CATALOGS = Catalogs(Path(__file__).resolve().parent / "locales", "displays")
translations = CATALOGS.translations


def language(value: str | None) -> str:
    """The language asked for, if the pages offer it, else Japanese."""
    return value if value in LANGUAGES else "ja"


THIS_LANGUAGE = N_("this language")
"""Each catalog's own name for its language: how the language links are labelled."""
