"""Pre-entry page languages: the page's own gettext catalogs (domain `preentry`, .mo committed in `locales/`).

The languages (the kiosk's), the shared labels and the gettext helpers are the citizen-facing vocabulary in
`protocol.citizen_text`; only the catalogs are the page's. Each catalog translates "this language" to the
language's own name, which is how the language links are labelled. Never personal data.
"""

from pathlib import Path

from protocol.citizen_text import LANGUAGES, N_, Catalogs, html_lang

__all__ = ["CATALOGS", "LANGUAGES", "N_", "html_lang", "translations"]

CATALOGS = Catalogs(Path(__file__).resolve().parent / "locales", "preentry")
translations = CATALOGS.translations
