"""Kiosk languages: the kiosk's own gettext catalogs (domain `kiosk`, compiled .mo committed in `locales/`).

The languages, the shared labels and the gettext helpers are the citizen-facing vocabulary in
`protocol.citizen_text`, the same for the pre-entry page; only the catalogs are the kiosk's. Only interface
text goes through here: never personal data.
"""

from pathlib import Path

from protocol.citizen_text import LANGUAGES, N_, Catalogs, html_lang

__all__ = ["CATALOGS", "LANGUAGES", "N_", "html_lang", "translations"]

CATALOGS = Catalogs(Path(__file__).resolve().parent / "locales", "kiosk")
translations = CATALOGS.translations
