"""One central (SQLite, private broker) for the whole staff suite, with users at two offices, and headless
Chromium for the pages (staff pages are Japanese only: the browser runs with locale ja-JP).

Tests share it, so each test makes its own cases and never counts what others made.
"""

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from central.webhooks.targets import ALLOW_ENV
from testbed.broker import Broker
from testbed.services import central_service
from tests.staff.support import StaffCentral
from tests.support.browser import opened_page

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


@pytest.fixture
def page(browser: Browser, staff_central: StaffCentral) -> Iterator[Page]:
    with opened_page(browser, staff_central.url, 1366, 900) as opened:
        yield opened
