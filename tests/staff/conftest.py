"""One central (SQLite, private broker) for the whole staff suite, with users at two offices, and headless
Chromium for the pages (staff pages are Japanese only: the browser runs with locale ja-JP).

Tests share it, so each test makes its own cases and never counts what others made.
"""

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from central.webhooks.targets import ALLOW_ENV
from testbed.broker import Broker
from testbed.services import central_service
from tests.kiosk.conftest import CHROMIUM_ARGS
from tests.staff.support import StaffCentral

OFFICES = '[offices]\nhoncho = "本庁舎"\nkita = "北支所"\n'


@pytest.fixture(scope="session", autouse=True)
def loopback_receivers() -> Iterator[None]:
    """Test webhook receivers listen on 127.0.0.1: the allow-list names it for the staff suite's centrals."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(ALLOW_ENV, "127.0.0.1")
        yield


@pytest.fixture(scope="session")
def staff_central(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StaffCentral]:
    """Central with staff `honcho_staff` and supervisor `honcho_boss` at honcho, `kita_staff` at kita, and
    `shimin_clerk` at honcho who approves 市民課 only (the other clerks approve every department)."""
    workdir = tmp_path_factory.mktemp("staff")
    (workdir / "central").mkdir()
    (workdir / "central" / "offices.toml").write_text(OFFICES, encoding="utf-8")
    broker = Broker(workdir / "broker", workdir / "central").start()
    service = central_service(workdir, broker.url).start(timeout=60)
    central = StaffCentral(workdir, service, broker)
    central.seed_users(
        [
            ("honcho_staff", "staff", ("honcho",)),
            ("honcho_boss", "supervisor", ("honcho",)),
            ("kita_staff", "staff", ("kita",)),
            ("shimin_clerk", "staff", ("honcho",)),
        ],
        {"shimin_clerk": frozenset({"市民課"})},
    )
    yield central
    service.kill()
    broker.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser, staff_central: StaffCentral) -> Iterator[Page]:
    context = browser.new_context(
        base_url=staff_central.url, locale="ja-JP", viewport={"width": 1366, "height": 900}
    )
    opened = context.new_page()
    opened.set_default_timeout(30_000)
    expect.set_options(timeout=30_000)
    yield opened
    context.close()
