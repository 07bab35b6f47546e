"""The scan screen's hold on the camera: only the session on that screen starts it, leaving stops it, a
page gone quiet loses it, and a late poll from a screen already left never starts it again.

Real hardware object and image-folder camera; only the clock is the test's, so leases run out at once.
"""

from pathlib import Path

import pytest
import segno

from edge_agent.hardware.camera import open_camera
from edge_agent.hardware.card.pcsc import PcscCardReader
from edge_agent.hardware.counter_unit import CounterUnitHardware
from edge_agent.hardware.printer import SlipPrinter
from edge_agent.kiosk.scanner import LEASE_SECONDS, QrScanner
from edge_agent.profile import FilePrinter, FolderCamera


class Clock:
    """Monotonic seconds that move only when the test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def camera(hardware: CounterUnitHardware) -> str:
    """The camera's state, asked afresh each time."""
    return hardware.camera_state


@pytest.fixture
def hardware(tmp_path: Path) -> CounterUnitHardware:
    camera = FolderCamera(path=str(tmp_path))
    printer = SlipPrinter(FilePrinter(path=str(tmp_path / "printer.bin")))
    return CounterUnitHardware(PcscCardReader("No Such Reader"), printer, lambda: open_camera(camera))


def test_only_the_scan_screen_holds_the_camera(hardware: CounterUnitHardware, tmp_path: Path) -> None:
    segno.make("HELLO KIOSK", micro=False).save(str(tmp_path / "qr.png"), scale=8)
    scanner = QrScanner(hardware, Clock())
    scanner.start("a")
    assert camera(hardware) == "running"
    assert scanner.poll("b") == []  # another session is not on the scan screen
    scanner.stop("b")
    assert camera(hardware) == "running"
    assert scanner.poll("a") == ["HELLO KIOSK"]
    scanner.stop("a")
    assert camera(hardware) == "stopped"
    assert scanner.poll("a") == []  # a poll that was on its way when the screen was left
    assert camera(hardware) == "stopped"


def test_a_quiet_page_loses_the_camera_until_it_polls_again(hardware: CounterUnitHardware) -> None:
    clock = Clock()
    scanner = QrScanner(hardware, clock)
    scanner.start("a")
    scanner.sweep(lambda _: True)
    assert camera(hardware) == "running"
    assert scanner.watching
    clock.now += LEASE_SECONDS
    scanner.sweep(lambda _: True)
    assert camera(hardware) == "stopped"
    assert not scanner.watching
    assert scanner.poll("a") == []  # the empty folder: nothing in view, but the camera runs again
    assert camera(hardware) == "running"


def test_a_wiped_session_loses_the_camera_for_good(hardware: CounterUnitHardware) -> None:
    scanner = QrScanner(hardware, Clock())
    scanner.start("a")
    scanner.sweep(lambda token: token != "a")
    assert camera(hardware) == "stopped"
    assert scanner.poll("a") == []
    assert camera(hardware) == "stopped"
