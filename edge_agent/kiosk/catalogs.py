"""Build the kiosk's gettext catalogs: extract messages, merge them into every language's .po, compile .mo.

    python -m edge_agent.kiosk.catalogs           # after changing any kiosk text
    python -m edge_agent.kiosk.catalogs --check   # fails if a .mo is stale or a message is untranslated

The compiled .mo files are committed so a fresh clone runs without a build step. This never touches
anything outside `locales/`.
"""

import argparse
import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po, write_po

from .i18n import DOMAIN, LANGUAGES, LOCALES, mo_path

HERE = Path(__file__).resolve().parent
METHODS = [("**.py", "python"), ("templates/**.jinja", "jinja2")]
KEYWORDS = {"_": None, "gettext": None, "N_": None}


def extracted() -> Catalog:
    """Every message the kiosk's code and templates use."""
    catalog = Catalog(project="madoguchi-kiosk", fuzzy=False)
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(HERE), METHODS, keywords=KEYWORDS, comment_tags=()
    ):
        catalog.add(message)
    return catalog


def po_path(language: str) -> Path:
    """A language's source catalog."""
    return LOCALES / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def read(language: str) -> Catalog:
    """A language's .po (an empty catalog if there is none yet)."""
    path = po_path(language)
    if not path.exists():
        return Catalog(locale=None, project="madoguchi-kiosk", fuzzy=False)
    with path.open("rb") as handle:
        return read_po(handle, abort_invalid=True)


def compiled(catalog: Catalog) -> bytes:
    """The .mo bytes of a catalog."""
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def messages(catalog: Catalog) -> dict[str, str]:
    """Message id → translation (headers left out: their dates change on every compile)."""
    return {str(message.id): str(message.string) for message in catalog if message.id}


def compiled_messages(language: str) -> dict[str, str]:
    """What a language's committed .mo holds (empty if there is none)."""
    if not mo_path(language).exists():
        return {}
    with mo_path(language).open("rb") as handle:
        return messages(read_mo(handle))


def problems() -> list[str]:
    """Untranslated, missing or obsolete messages and stale .mo files, per language."""
    wanted = set(messages(extracted()))
    found: list[str] = []
    for language in LANGUAGES:
        catalog = read(language)
        have = messages(catalog)
        found += [f"{language}: untranslated {msgid!r}" for msgid in sorted(wanted) if not have.get(msgid)]
        found += [f"{language}: obsolete {msgid!r}" for msgid in sorted(set(have) - wanted)]
        if compiled_messages(language) != have:
            found.append(f"{language}: {mo_path(language)} is stale: run python -m edge_agent.kiosk.catalogs")
    return found


def update() -> None:
    """Merge extracted messages into every .po (keeping translations) and compile every .mo."""
    template = extracted()
    for language in LANGUAGES:
        catalog = read(language)
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        po_path(language).parent.mkdir(parents=True, exist_ok=True)
        with po_path(language).open("wb") as handle:
            write_po(handle, catalog, omit_header=True, no_location=True, sort_output=True, width=110)
        mo_path(language).write_bytes(compiled(read(language)))


def main() -> None:
    """Update the catalogs, or with --check report what is out of date."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report problems")
    if not parser.parse_args().check:
        update()
    for problem in problems():
        print(problem, file=sys.stderr)
    sys.exit(1 if problems() else 0)


if __name__ == "__main__":
    main()
