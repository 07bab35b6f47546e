"""The status heartbeat tells the truth about the camera, at once: the kiosk's scan screen starts it, and
leaving the screen — back, start over, or the page simply going away — stops it.

A real edge process on the emulated profile (`unit`), a real broker, and an MQTT client of the test's own
reading the retained `madoguchi/v1/devices/{id}/status` topic.
"""

import asyncio
import contextlib
import threading
from collections.abc import Iterator

import aiomqtt
import msgspec
import pytest
from PIL import Image
from playwright.sync_api import Browser, Page

from edge_agent.kiosk.scanner import LEASE_SECONDS
from edge_agent.link import HEARTBEAT_SECONDS
from protocol import topics
from protocol.messages import Status
from testbed.broker import Broker

from .conftest import Unit
from .screens import begin

PROMPTLY = HEARTBEAT_SECONDS / 3
"""A change must be published well before the periodic heartbeat would have carried it."""


class StatusWatcher:
    """Every status a unit publishes, read by an MQTT client on a thread (and event loop) of its own."""

    def __init__(self, broker: Broker, device_id: str) -> None:
        self._broker = broker
        self._device_id = device_id
        self._statuses: list[Status] = []
        self._seen = 0
        self._arrived = threading.Condition()
        self._subscribed = threading.Event()
        self._thread = threading.Thread(target=lambda: asyncio.run(self._watch()), daemon=True)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None

    def __enter__(self) -> "StatusWatcher":
        self._thread.start()
        assert self._subscribed.wait(timeout=30), "the status watcher could not subscribe"
        return self

    def __exit__(self, *_: object) -> None:
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(timeout=30)

    async def _watch(self) -> None:
        self._loop, self._stop = asyncio.get_running_loop(), asyncio.Event()
        async with self._broker.client(f"status-watcher-{self._device_id}") as client:
            await client.subscribe(topics.status(self._device_id), qos=1)
            reader = asyncio.create_task(self._read(client))
            self._subscribed.set()
            await self._stop.wait()
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await reader

    async def _read(self, client: aiomqtt.Client) -> None:
        async for message in client.messages:
            status = msgspec.json.decode(message.payload, type=Status)
            with self._arrived:
                self._statuses.append(status)
                self._arrived.notify_all()

    def next_camera(self, wanted: str, timeout: float) -> Status:
        """The next status, after those already looked at, whose camera is `wanted`."""

        def found() -> Status | None:
            while self._seen < len(self._statuses):
                status = self._statuses[self._seen]
                self._seen += 1
                if status.hardware.get("camera") == wanted:
                    return status
            return None

        with self._arrived:
            status = self._arrived.wait_for(found, timeout=timeout)
        assert status is not None, f"no status with the camera {wanted} within {timeout} s"
        return status


def to_scan(page: Page, unit: Unit) -> None:
    begin(page, unit, "ja", "move_in")
    page.locator('a[href="/kiosk/scan"]').click()
    page.wait_for_url("**/kiosk/scan")


@pytest.fixture
def plain_view(unit: Unit) -> Iterator[None]:
    """What the camera sees: a frame without any QR code."""
    path = unit.camera / "no-code.png"
    Image.new("L", (320, 240), 128).save(path)
    yield
    path.unlink()


@pytest.mark.usefixtures("plain_view")
def test_the_scan_screen_starts_and_stops_the_camera(
    page: Page, browser: Browser, unit: Unit, broker: Broker
) -> None:
    with StatusWatcher(broker, unit.device_id) as statuses:
        before = statuses.next_camera("stopped", timeout=PROMPTLY)  # the retained status
        to_scan(page, unit)
        running = statuses.next_camera("running", timeout=PROMPTLY)
        assert running.state == "online"
        page.wait_for_event("response", lambda response: "/kiosk/scan/poll" in response.url)
        page.locator('a[href="/kiosk/identity"]').click()  # back
        statuses.next_camera("stopped", timeout=PROMPTLY)

        to_scan(page, unit)
        statuses.next_camera("running", timeout=PROMPTLY)
        page.locator('form[action="/kiosk/finish"] button').click()  # start over
        statuses.next_camera("stopped", timeout=PROMPTLY)

        other = browser.new_context(locale="ja-JP")
        gone = other.new_page()
        to_scan(gone, unit)
        statuses.next_camera("running", timeout=PROMPTLY)
        other.close()  # the page went away without a word: its lease runs out
        stopped = statuses.next_camera("stopped", timeout=LEASE_SECONDS + PROMPTLY)
    assert stopped.hardware["camera_frames"] > before.hardware["camera_frames"]  # frames were looked at
