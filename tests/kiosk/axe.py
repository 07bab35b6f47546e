"""axe-core in the browser tests: inject it into the page and collect WCAG 2.2 AA violations.

axe-core comes from npm into var/node (scripts/bootstrap installs it; the version is pinned there). The
browser fetches it from a routed same-origin URL rather than inline, so Chromium's code cache makes each
injection cheap after the first.
"""

from pathlib import Path
from typing import Any

from playwright.sync_api import BrowserContext, Page, Route

AXE = Path(__file__).resolve().parents[2] / "var" / "node" / "node_modules" / "axe-core" / "axe.min.js"
ROUTE = "/__axe__/axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def enable(context: BrowserContext) -> None:
    """Serve axe-core at ROUTE on every origin the context visits."""
    if not AXE.exists():
        raise RuntimeError(f"{AXE} is missing: run scripts/bootstrap (it installs axe-core from npm)")
    source = AXE.read_bytes()

    def serve(route: Route) -> None:
        headers = {"cache-control": "max-age=3600"}
        route.fulfill(body=source, content_type="application/javascript", headers=headers)

    context.route("**" + ROUTE, serve)


def violations(page: Page) -> list[str]:
    """One line per rule violated on the page as it is now: the page, the rule and the first offender."""
    page.wait_for_load_state()
    origin = "/".join(page.url.split("/", 3)[:3])
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(url=origin + ROUTE)
    found: list[dict[str, Any]] = page.evaluate(
        """async (tags) => (await axe.run(document, {
            runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']
        })).violations""",
        TAGS,
    )
    where = page.url.removeprefix(origin)
    return [f"{where}: {item['id']} ({item['nodes'][0]['target']})" for item in found]
