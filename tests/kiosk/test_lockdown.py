"""Kiosk lock-down: the idle timeout wipes the session (in the page and on the server), and the admin menu
needs its PIN."""

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from edge_agent.hardware.card_emulator import VirtualCard
from testbed.escpos_decode import decode
from testbed.processes import Service
from tests.spine.helpers import wait_until

from .conftest import ADMIN_PIN, PIN, Unit, start_unit
from .screens import begin, enter_pin

IDLE_SECONDS = 2.0


@pytest.fixture(scope="module")
def hasty_unit(stack: tuple[Path, Service]) -> Iterator[Unit]:
    """A unit whose kiosk forgets a citizen after two idle seconds."""
    running = start_unit(*stack, name="hasty", idle_seconds=IDLE_SECONDS)
    yield running
    running.service.kill()
    running.printer.stop()


def live_sessions(unit: Unit) -> int:
    sessions: int = httpx.get(unit.url + "/kiosk/health", timeout=5).json()["sessions"]
    return sessions


def test_idle_wipes_the_session(page: Page, hasty_unit: Unit, card: VirtualCard) -> None:
    begin(page, hasty_unit, "ja", "move_in")
    page.locator('a[href="/kiosk/card"]').click()
    enter_pin(page, PIN)
    expect(page.locator(".people")).to_be_visible()
    assert live_sessions(hasty_unit) == 1
    expect(page.locator('button[value="ja"]')).to_be_visible(timeout=10_000)  # the page's timer fired
    assert live_sessions(hasty_unit) == 0
    page.goto(hasty_unit.url + "/kiosk/household")
    expect(page.locator('button[value="ja"]')).to_be_visible()


def test_server_wipes_a_session_nobody_touches(hasty_unit: Unit) -> None:
    with httpx.Client(base_url=hasty_unit.url, follow_redirects=True) as client:
        client.post("/kiosk/start", data={"language": "en"})
        assert client.get("/kiosk/event").status_code == 200
        assert live_sessions(hasty_unit) >= 1
        wait_until(lambda: live_sessions(hasty_unit) == 0, timeout=10, what="the sweeper")
        assert client.get("/kiosk/event").url.path == "/kiosk/"


def test_admin_menu_needs_the_pin(unit: Unit) -> None:
    with httpx.Client(base_url=unit.url, follow_redirects=True) as client:
        assert client.get("/kiosk/admin/menu").url.path == "/kiosk/admin"
        wrong = client.post("/kiosk/admin", data={"pin": "0000"})
        assert wrong.status_code == 403
        assert client.get("/kiosk/admin/menu").url.path == "/kiosk/admin"
        menu = client.post("/kiosk/admin", data={"pin": ADMIN_PIN})
        assert menu.url.path == "/kiosk/admin/menu"
        assert "outbox_depth" in menu.text
        assert "printer" in menu.text
        before = len(unit.printer.jobs)
        printed = client.post("/kiosk/admin/test-print")
        assert "test print: ok" in printed.text
        wait_until(
            lambda: any(
                "テスト印刷" in line for job in unit.printer.jobs[before:] for line in decode(job).lines
            ),
            timeout=20,
            what="the test slip",
        )
        client.post("/kiosk/admin/close")
        assert client.get("/kiosk/admin/menu").url.path == "/kiosk/admin"
