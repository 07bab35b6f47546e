"""Build the gettext catalogs of the citizen-facing pages: extract messages, merge them into every language's
.po, compile .mo — for the kiosk (`edge_agent/kiosk`), central's pre-entry page (`central/preentry`) and
central's public queue pages (`central/displays`).

    python -m scripts.catalogs           # after changing any citizen-facing text
    python -m scripts.catalogs --check   # fails if a .mo is stale or a message is untranslated

Both also show the shared citizen vocabulary (`protocol/citizen_text.py`), so each extracts it too; the kiosk
and the pre-entry page also include the shared date entry (`protocol/date_entry/templates`).
A build tool, not runtime code, so it lives in `scripts/` and the product never imports it; it reaches every
sets of pages by path. The compiled .mo files are committed so a fresh clone needs no build step. It never
writes outside the `locales/` folders.
"""

import argparse
import io
import sys
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir, extract_from_file
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po, write_po

from edge_agent.kiosk.i18n import LANGUAGES
from protocol import citizen_text, date_entry

ROOT = Path(__file__).resolve().parents[1]
METHODS = [("**.py", "python"), ("templates/**.jinja", "jinja2")]
KEYWORDS = {"_": None, "gettext": None, "N_": None}
SHARED = Path(citizen_text.__file__)
"""Messages every citizen-facing page shows, extracted into each page's catalogs."""


@dataclass(frozen=True)
class MessageCatalogs:
    """The catalogs of one set of pages: where the code is, where the catalogs go, under which domain."""

    source: Path
    domain: str
    shared: tuple[Path, ...] = ()
    """Template folders outside `source` that these pages include (their messages are extracted too)."""

    @property
    def locales(self) -> Path:
        """The folder holding `<language>/LC_MESSAGES/<domain>.po|.mo`."""
        return self.source / "locales"

    def path(self, language: str, suffix: str) -> Path:
        """A language's .po or .mo."""
        return self.locales / language / "LC_MESSAGES" / f"{self.domain}{suffix}"

    def extracted(self) -> Catalog:
        """Every message the code and templates use."""
        catalog = Catalog(project=f"madoguchi-{self.domain}", fuzzy=False)
        for _file, _line, message, _comments, _context in extract_from_dir(
            str(self.source), METHODS, keywords=KEYWORDS, comment_tags=()
        ):
            catalog.add(message)
        for folder in self.shared:
            for _file, _line, message, _comments, _context in extract_from_dir(
                str(folder), [("**.jinja", "jinja2")], keywords=KEYWORDS, comment_tags=()
            ):
                catalog.add(message)
        for _line, message, _comments, _context in extract_from_file(
            "python", SHARED, keywords=KEYWORDS, comment_tags=()
        ):
            catalog.add(message)
        return catalog

    def read(self, language: str) -> Catalog:
        """A language's .po (an empty catalog if there is none yet)."""
        path = self.path(language, ".po")
        if not path.exists():
            return Catalog(locale=None, project=f"madoguchi-{self.domain}", fuzzy=False)
        with path.open("rb") as handle:
            return read_po(handle, abort_invalid=True)

    def compiled_messages(self, language: str) -> dict[str, str]:
        """What a language's committed .mo holds (empty if there is none)."""
        path = self.path(language, ".mo")
        if not path.exists():
            return {}
        with path.open("rb") as handle:
            return messages(read_mo(handle))

    def problems(self) -> list[str]:
        """Untranslated or obsolete messages and stale .mo files, per language."""
        wanted = set(messages(self.extracted()))
        found: list[str] = []
        for language in LANGUAGES:
            have = messages(self.read(language))
            where = f"{self.domain}/{language}"
            found += [f"{where}: untranslated {msgid!r}" for msgid in sorted(wanted) if not have.get(msgid)]
            found += [f"{where}: obsolete {msgid!r}" for msgid in sorted(set(have) - wanted)]
            if self.compiled_messages(language) != have:
                found.append(f"{where}: the .mo is stale: run python -m scripts.catalogs")
        return found

    def update(self) -> None:
        """Merge extracted messages into every .po (keeping translations) and compile every .mo."""
        template = self.extracted()
        for language in LANGUAGES:
            catalog = self.read(language)
            catalog.update(template, no_fuzzy_matching=True)
            catalog.obsolete.clear()
            self.path(language, ".po").parent.mkdir(parents=True, exist_ok=True)
            with self.path(language, ".po").open("wb") as handle:
                write_po(handle, catalog, omit_header=True, no_location=True, sort_output=True, width=110)
            compiled = self.read(language)
            if self.compiled_messages(language) == messages(compiled):
                continue  # unchanged: keep the committed .mo (a rewrite would only change its header date)
            buffer = io.BytesIO()
            write_mo(buffer, compiled, use_fuzzy=False)
            self.path(language, ".mo").write_bytes(buffer.getvalue())


def messages(catalog: Catalog) -> dict[str, str]:
    """Message id → translation (headers left out: their dates change on every compile)."""
    return {str(message.id): str(message.string) for message in catalog if message.id}


KIOSK = MessageCatalogs(ROOT / "edge_agent" / "kiosk", "kiosk", (date_entry.TEMPLATES,))
PREENTRY = MessageCatalogs(ROOT / "central" / "preentry", "preentry", (date_entry.TEMPLATES,))
DISPLAYS = MessageCatalogs(ROOT / "central" / "displays", "displays")
ALL = (KIOSK, PREENTRY, DISPLAYS)


def main() -> None:
    """Update the catalogs, or with --check only report what is out of date."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report problems")
    if not parser.parse_args().check:
        for catalogs in ALL:
            catalogs.update()
    found = [problem for catalogs in ALL for problem in catalogs.problems()]
    for problem in found:
        print(problem, file=sys.stderr)
    sys.exit(1 if found else 0)


if __name__ == "__main__":
    main()
