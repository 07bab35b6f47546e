"""A real counter unit for the kiosk tests: broker, central, pcscd + vpcd with a virtual card, a TCP
virtual printer, an image-folder camera (the only fake), and headless Chromium driven by Playwright.

The unit runs on the emulated profile (device_profiles/emulated.toml) with its card reader moved to vpcd
slot 1 ("Virtual PCD 00 01"), so a `make demo` on the same machine (slot 0) is not disturbed, and its own
camera folder and printer port. Everything is started once per test session; each test opens its own
browser context (its own kiosk session).
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page

from edge_agent.hardware.card_emulator import VirtualCard, VpcdCard
from edge_agent.hardware.card_emulator.vpcd import reader_name
from edge_agent.hardware.printer.emulator import VirtualPrinter
from edge_agent.profile import load_profile
from protocol.facts import Person
from protocol.qr_seal import CounterKey
from testbed.broker import Broker
from testbed.processes import Service
from testbed.services import EMULATED_PROFILE, central_service, edge_service, issue_token

SLOT = 1
READER = reader_name(SLOT)
PIN = "1234"
HOLDER = Person(name="窓口　花子", address="みどり市中央町一丁目２番３号", birth_date="1985-04-01", sex="2")
ADMIN_PIN = "2468"


@dataclass
class Unit:
    """One running counter unit and the hardware around it."""

    url: str
    service: Service
    data_dir: Path
    camera: Path
    printer: VirtualPrinter
    workdir: Path

    @property
    def counter_key(self) -> CounterKey:
        return CounterKey.from_bytes((self.data_dir / "counter.key").read_bytes())

    @property
    def device_id(self) -> str:
        return str(httpx.get(self.service.health_url, timeout=5).json()["device_id"])


def write_profile(path: Path, camera: Path, printer_port: int) -> Path:
    """The emulated profile with the tests' reader slot, camera folder and printer port."""
    text = EMULATED_PROFILE.read_text()
    for key, value in (("reader", f'"{READER}"'), ("path", f'"{camera}"'), ("port", str(printer_port))):
        text, count = re.subn(rf"(?m)^{key} = .*$", f"{key} = {value}", text)
        assert count == 1, f"device_profiles/emulated.toml has no single `{key}` line"
    path.write_text(text)
    assert load_profile(path).card_reader.reader == READER  # and the rest still checks
    return path


@pytest.fixture(scope="session")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Broker]:
    """The broker central and the kiosk units use; tests may subscribe to it."""
    workdir = tmp_path_factory.mktemp("kiosk")
    running = Broker(workdir / "broker", workdir / "central").start()
    yield running
    running.stop()


@pytest.fixture(scope="session")
def stack(broker: Broker, pcsc_stack: None) -> Iterator[tuple[Path, Service]]:
    """pcscd and central, shared by every kiosk test (central's data dir is the one the broker's set up)."""
    workdir = broker.workdir.parent
    central = central_service(workdir, broker.url).start()
    try:
        yield workdir, central
    finally:
        central.kill()


def start_unit(workdir: Path, central: Service, name: str, idle_seconds: float) -> Unit:
    camera = workdir / f"{name}-camera"
    camera.mkdir()
    printer = VirtualPrinter().start()
    profile = write_profile(workdir / f"{name}.toml", camera, printer.port)
    service = edge_service(workdir, central, issue_token(workdir), name=name)
    service.argv[service.argv.index("--profile") + 1] = str(profile)
    service.env = {
        "MADOGUCHI_KIOSK_IDLE_SECONDS": str(idle_seconds),
        "MADOGUCHI_KIOSK_ADMIN_PIN": ADMIN_PIN,
        "MADOGUCHI_KIOSK_SLIP_PREVIEWS": str(workdir / f"{name}-previews"),
    }
    (workdir / f"{name}-previews").mkdir()
    service.start()
    return Unit(service.base_url, service, workdir / name, camera, printer, workdir)


@pytest.fixture(scope="session")
def unit(stack: tuple[Path, Service]) -> Iterator[Unit]:
    """The kiosk unit most tests use (a long idle timeout)."""
    running = start_unit(*stack, name="kiosk", idle_seconds=300)
    yield running
    running.service.kill()
    running.printer.stop()


@pytest.fixture
def card(pcsc_stack: None) -> Iterator[VirtualCard]:
    """The virtual My Number Card of the made-up holder, inserted for the test."""
    virtual = VirtualCard(HOLDER, pin=PIN)
    with VpcdCard(virtual, slot=SLOT):
        yield virtual


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1024, "height": 768}, locale="ja-JP")
    opened = context.new_page()
    opened.set_default_timeout(15_000)
    yield opened
    context.close()


def jobs_after(printer: VirtualPrinter, before: int, timeout: float = 20.0) -> list[bytes]:
    """The print jobs that arrived after the first `before` ones."""
    return printer.wait_for_jobs(before + 1, timeout=timeout)[before:]
