"""axe-core in the browser tests: load it into every page of a context and collect WCAG 2.2 AA violations.

axe-core comes from npm into var/node (scripts/bootstrap installs it; the version is pinned there). It is an
init script of the context, so each page has it from the start: no script tag to fetch through a route on
every screen checked.
"""

from pathlib import Path
from typing import Any

from playwright.sync_api import BrowserContext, Page

AXE = Path(__file__).resolve().parents[2] / "var" / "node" / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def enable(context: BrowserContext) -> None:
    """Load axe-core into every page the context opens from now on."""
    if not AXE.exists():
        raise RuntimeError(f"{AXE} is missing: run scripts/bootstrap (it installs axe-core from npm)")
    context.add_init_script(path=AXE)


def violations(page: Page) -> list[str]:
    """One line per rule violated on the page as it is now: the page, the rule and the first offender."""
    page.wait_for_load_state()
    found: list[dict[str, Any]] = page.evaluate(
        """async (tags) => (await axe.run(document, {
            runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']
        })).violations""",
        TAGS,
    )
    where = page.url.removeprefix("/".join(page.url.split("/", 3)[:3]))
    return [f"{where}: {item['id']} ({item['nodes'][0]['target']})" for item in found]
