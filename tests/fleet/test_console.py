"""The fleet console in headless Chromium: an admin watches two real units, prints a test slip on one with a
signed command, then that unit goes offline (kill -9: the broker publishes its last will) and its row turns
to an offline alert without a reload; staff without the admin role are refused. With
MADOGUCHI_SCREENSHOTS=DIR the page is saved as DIR/fleet-console.png."""

import os
import signal
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from central.accounts.service import add_user
from central.db import make_engine
from edge_agent.hardware.printer.emulator import VirtualPrinter
from testbed.broker import Broker
from testbed.processes import Service, free_port
from testbed.services import EMULATED_PROFILE, central_service, edge_service, issue_token
from tests.spine.helpers import wait_until
from tests.support.browser import chromium, log_in, opened_page

PASSWORD = "correct horse battery"
ALERT_SECONDS = "3"


@dataclass
class Console:
    workdir: Path
    central: Service
    units: dict[str, Service]
    printer: VirtualPrinter

    def unit_id(self, name: str) -> str:
        return str(httpx.get(self.units[name].health_url, timeout=10).json()["device_id"])


def profile(workdir: Path, name: str, printer_port: int) -> Path:
    """The emulated profile with its printer on `printer_port` (and the camera folder found from anywhere)."""
    camera = EMULATED_PROFILE.parent / "emulated-camera"
    text = EMULATED_PROFILE.read_text().replace("port = 9100", f"port = {printer_port}")
    path = workdir / f"{name}.toml"
    path.write_text(text.replace('path = "emulated-camera"', f'path = "{camera}"'))
    return path


@pytest.fixture(scope="module")
def console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Console]:
    """Central (offline alerts after ALERT_SECONDS) with an admin and a staff user, and two units at honcho:
    `window-1` with a working printer, `window-2` whose printer does not answer."""
    workdir = tmp_path_factory.mktemp("console")
    broker = Broker(workdir / "broker", workdir / "central").start()
    central = central_service(workdir, broker.url)
    central.env["MADOGUCHI_FLEET_ALERT_SECONDS"] = ALERT_SECONDS
    central.start()
    engine = make_engine(f"sqlite:///{workdir / 'central' / 'central.db'}")
    add_user(engine, "it_admin", "admin", PASSWORD, ["honcho"], [])
    add_user(engine, "clerk", "staff", PASSWORD, ["honcho"], [])
    engine.dispose()
    with VirtualPrinter() as printer:
        printers = {"window-1": printer.port, "window-2": free_port()}  # nothing listens on the second
        units = {
            name: edge_service(
                workdir, central, issue_token(workdir), name, profile(workdir, name, port)
            ).start()
            for name, port in printers.items()
        }
        try:
            yield Console(workdir, central, units, printer)
        finally:
            for unit in units.values():
                unit.kill(signal.SIGTERM)
            central.kill()
            broker.stop()


@pytest.fixture
def page(console: Console) -> Iterator[Page]:
    with chromium() as browser, opened_page(browser, console.central.base_url, 1500, 700) as opened:
        yield opened


def test_a_unit_going_offline_turns_into_an_alert_on_the_console(page: Page, console: Console) -> None:
    log_in(page, "it_admin", PASSWORD)
    page.click("text=端末の状態")
    expect(page.locator("h1")).to_have_text("端末の状態")
    first, second = (
        page.locator(f'tr[data-unit="{console.unit_id(name)}"]') for name in ("window-1", "window-2")
    )
    expect(first.locator("td").nth(2)).to_have_text("オンライン")
    expect(first.locator("td").nth(1)).to_have_text("honcho")
    expect(first.locator("td").nth(9)).to_have_text("正常")  # the printer answers
    expect(first.locator("td").nth(6)).to_contain_text("v0")  # central's configuration applied
    expect(second.locator("td").nth(9)).to_have_text("接続不可")
    expect(second.locator("li.level-alert", has_text="プリンターに接続できません")).to_be_visible()
    expect(first.locator("li", has_text="プリンター")).to_have_count(0)
    expect(first.locator("li", has_text="オフライン")).to_have_count(0)
    first.locator("select[name=name]").select_option(label="テスト印刷")
    first.locator("button", has_text="送信").click()  # a signed command, through central's fleet loop
    expect(first.locator(".last-command")).to_have_text("前回：print_test_slip: done")
    assert b"TEST" in console.printer.wait_for_jobs(1)[0]

    first_id = console.unit_id("window-1")
    console.units["window-1"].kill()  # kill -9: the broker publishes the unit's last will
    expect(first.locator("td").nth(2)).to_have_text("オフライン")  # htmx polling, no reload
    expect(first.locator("li.level-alert", has_text="オフラインが続いています")).to_be_visible()
    expect(first).to_have_class("alert")
    expect(second.locator("td").nth(2)).to_have_text("オンライン")
    answer = page.request.get("/api/staff/fleet")  # the same for monitoring scripts
    assert answer.status == 200
    states = {unit["device_id"]: unit["state"] for unit in answer.json()["units"]}
    assert states == {console.unit_id("window-2"): "online", first_id: "offline"}
    if shots := os.environ.get("MADOGUCHI_SCREENSHOTS"):
        page.screenshot(path=str(Path(shots) / "fleet-console.png"), full_page=True)


def test_only_admins_see_the_fleet(page: Page, console: Console) -> None:
    log_in(page, "clerk", PASSWORD)
    expect(page.locator("nav")).not_to_contain_text("端末の状態")
    answer = page.request.get("/api/staff/fleet")
    assert answer.status == 403
    wait_until(lambda: page.request.get("/staff/fleet/rows").status == 403, what="the rows refused")
