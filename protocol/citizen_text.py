"""What every citizen-facing page shows: the languages offered, the labels of life events and sexes.

The kiosk (edge agent) and the pre-entry page (central) must offer the same languages and name the same
choices the same way, and they never import each other, so the vocabulary lives here. Message ids are English;
each app keeps its own gettext domain and committed catalogs (`Catalogs`), and its message build
(`python -m scripts.catalogs`) extracts this file too. Interface text only: never personal data.
"""

import gettext
from dataclasses import dataclass, field
from pathlib import Path

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
"""Language tag → its own name, in the order the pages offer them (Japanese first)."""


def N_(message: str) -> str:  # noqa: N802  # gettext's name for "mark for extraction, translate later"
    """Mark a message for extraction; it is translated where it is shown."""
    return message


EVENTS: dict[str, str] = {
    "move_in": N_("Moving in from another city"),
    "move_within": N_("Moving within the city"),
    "move_out": N_("Moving out of the city"),
    "birth": N_("A birth"),
    "death": N_("A death"),
    "marriage": N_("Marriage"),
    "divorce": N_("Divorce"),
    "certificates": N_("Certificates only"),
}
"""Life event → its label, in the order the pages offer them."""
SEXES: dict[str, str] = {"1": N_("Male"), "2": N_("Female"), "9": N_("Not applicable")}
"""The ISO 5218 codes a citizen may choose on a form → label."""
ROLES: dict[str, str] = {
    "member": N_("I live in this household"),
    "relative": N_("A relative living elsewhere"),
    "agent": N_("An agent with a letter of attorney"),
}
"""`Facts.applicant_role` → label, the default (a member of the household) first."""
ROLE_QUESTION = N_("Who are you to this household?")
HOUSEHOLD_ADDRESS = N_("The household's address")
HEAD = N_("Head of household")
"""The headings of the household's role, address and head (世帯主), the same on every page."""


def html_lang(language: str) -> str:
    """The BCP 47 tag for the page's `lang` attribute (やさしい日本語 is Japanese to a screen reader)."""
    return "ja" if language == "ja-easy" else language


@dataclass(frozen=True)
class Catalogs:
    """One app's compiled gettext catalogs (committed .mo): `<locales>/<tag>/LC_MESSAGES/<domain>.mo`."""

    locales: Path
    domain: str
    _loaded: dict[str, gettext.NullTranslations] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def mo_path(self, language: str) -> Path:
        """Where a language's compiled catalog lives."""
        return self.locales / language / "LC_MESSAGES" / f"{self.domain}.mo"

    def translations(self, language: str) -> gettext.NullTranslations:
        """The compiled catalog of a language, read once; KeyError for a language the pages do not offer."""
        if language not in LANGUAGES:
            raise KeyError(language)
        if language not in self._loaded:
            with self.mo_path(language).open("rb") as handle:
                self._loaded[language] = gettext.GNUTranslations(handle)
        return self._loaded[language]
