"""Every language renders: the kiosk, the pre-entry page and (in test_slip) the slip, with no character that
the page's fonts cannot draw (no empty boxes for Nepali, Vietnamese, Korean...).

The pages name their fonts in CSS; fontconfig must find each family itself (not a substitute), and every
character Chromium lays out on a screen, and every message and catalog text those screens can show, must be
in one of those fonts. Chromium's own report (CSS.getPlatformFontsForNode) confirms it draws Nepali with
Noto Sans Devanagari.
"""

import functools
import re
import subprocess
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from playwright.sync_api import Page

from edge_agent.kiosk.i18n import LANGUAGES
from procedures.loader import load_catalog_dir
from procedures.planner import SAMPLE_CATALOG
from scripts.catalogs import ALL, MessageCatalogs
from testbed.processes import Service

from .conftest import Unit
from .screens import begin

ROOT = Path(__file__).resolve().parents[2]
STYLES = {
    "kiosk": ROOT / "edge_agent" / "kiosk" / "static" / "kiosk.css",
    "preentry": ROOT / "central" / "preentry" / "templates" / "base.html.jinja",
}


def families(style: Path) -> list[str]:
    """The font families a page's CSS names (generic families left out)."""
    declaration = re.search(r"font-family:\s*([^;]+);", style.read_text())
    assert declaration is not None
    return [name.strip().strip('"') for name in declaration.group(1).split(",") if '"' in name]


@functools.cache
def coverage(domain: str) -> frozenset[int]:
    """The code points the fonts a page names can draw; each family must be installed itself."""
    points: set[int] = set()
    for family in families(STYLES[domain]):
        found = subprocess.run(
            ["fc-match", "-f", "%{family}\n%{file}\n%{index}", family],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split("\n")
        assert family in found[0].split(","), f"{family} is not installed (fontconfig offers {found[0]})"
        with TTFont(found[1], fontNumber=int(found[2] or 0), lazy=True) as font:
            points |= set(font.getBestCmap())
    return frozenset(points)


def missing(text: str, domain: str) -> set[str]:
    covered = coverage(domain)
    return {character for character in text if not character.isspace() and ord(character) not in covered}


@pytest.mark.parametrize(
    "catalogs",
    [catalogs for catalogs in ALL if catalogs.domain in STYLES],
    ids=lambda catalogs: catalogs.domain,
)
@pytest.mark.parametrize("language", list(LANGUAGES))
def test_every_message_has_glyphs(catalogs: MessageCatalogs, language: str) -> None:
    texts = "".join(catalogs.compiled_messages(language).values()) + "".join(LANGUAGES.values())
    assert missing(texts, catalogs.domain) == set()


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_every_catalog_text_has_glyphs(language: str) -> None:
    """Questions, counters, procedures, documents and relations the screens and the slip show."""
    catalog = load_catalog_dir(SAMPLE_CATALOG)
    texts: list[str] = []

    def collect(node: object) -> None:
        if isinstance(node, dict):
            if language in node and isinstance(node[language], str):
                texts.append(node[language])
            for value in node.values():
                collect(value)
        elif isinstance(node, list | tuple):
            for item in node:
                collect(item)
        elif hasattr(node, "__struct_fields__") or hasattr(node, "__dataclass_fields__"):
            for name in getattr(node, "__struct_fields__", None) or node.__dataclass_fields__:  # type: ignore[attr-defined]
                collect(getattr(node, name))

    collect(catalog.content)
    assert texts, "the catalog has texts in this language"
    for domain in STYLES:
        assert missing("".join(texts), domain) == set()


def shown(page: Page) -> str:
    return str(page.evaluate("() => document.title + document.body.innerText"))


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_kiosk_screens_render_every_language(page: Page, unit: Unit, language: str) -> None:
    begin(page, unit, language, "move_in")
    text = shown(page)
    page.goto(unit.url + "/kiosk/identity")
    text += shown(page)
    page.goto(unit.url + "/kiosk/typed")
    text += shown(page)
    assert missing(text, "kiosk") == set()


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_preentry_renders_every_language(page: Page, stack: tuple[Path, Service], language: str) -> None:
    _, central = stack
    page.goto(f"{central.base_url}/preentry/?lang={language}")
    assert missing(shown(page), "preentry") == set()


def test_chromium_draws_nepali_with_devanagari(page: Page, unit: Unit, stack: tuple[Path, Service]) -> None:
    _, central = stack
    nepali = {unit.url + "/kiosk/": 'button[lang="ne"]', f"{central.base_url}/preentry/?lang=ne": "h1"}
    for url, selector in nepali.items():
        page.goto(url)
        session = page.context.new_cdp_session(page)
        session.send("DOM.enable")
        session.send("CSS.enable")
        root = session.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
        node = session.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
        fonts = session.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
        assert "Noto Sans Devanagari" in [font["familyName"] for font in fonts]
        session.detach()
