"""The counter unit's hardware built from a profile, and its health report, on the emulated stack."""

import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import msgspec
import pytest
from click.testing import CliRunner
from PIL import Image

from edge_agent.hardware.camera import CameraError
from edge_agent.hardware.card_emulator import VirtualCard, VpcdCard
from edge_agent.hardware.cli import card, validate_profile
from edge_agent.hardware.counter_unit import CounterUnitHardware
from edge_agent.hardware.emulated import emulated_hardware
from edge_agent.hardware.printer import CounterStop, PaperOutError, Slip
from edge_agent.hardware.printer.emulator import VirtualPrinter
from edge_agent.profile import DeviceProfile, FolderCamera, PcscReader, load_profile
from protocol.facts import Person

from .conftest import READER, SLOT

EMULATED = Path(__file__).parents[2] / "device_profiles" / "emulated.toml"
SLIP = Slip(office="デモ", ticket="A-001", language="ja", stops=[CounterStop(name="市民課")], qr_text="AB")


@pytest.fixture
def virtual_printer() -> Iterator[VirtualPrinter]:
    with VirtualPrinter() as printer:
        yield printer


@pytest.fixture
def profile(virtual_printer: VirtualPrinter) -> DeviceProfile:
    emulated = load_profile(EMULATED)
    return msgspec.structs.replace(
        emulated,
        card_reader=PcscReader(reader=READER),
        printer=msgspec.structs.replace(emulated.printer, port=virtual_printer.port),
    )


@pytest.mark.usefixtures("pcsc_stack")
def test_health_follows_the_hardware(
    profile: DeviceProfile, virtual_printer: VirtualPrinter, person: Person
) -> None:
    hardware = CounterUnitHardware.from_profile(profile)
    health = hardware.health()
    assert (health.card, health.printer, health.camera, health.camera_frames) == (
        "empty",
        "ready",
        "stopped",
        0,
    )
    with VpcdCard(VirtualCard(person), slot=SLOT):
        assert hardware.health().card == "present"
    virtual_printer.paper_out = True
    assert hardware.health().printer == "paper_out"
    hardware.start_camera()
    assert hardware.read_frame() is None  # the demo folder holds no photos, only its README
    virtual_printer.stop()
    health = hardware.health()
    assert (health.printer, health.camera) == ("unreachable", "running")
    assert "name" not in msgspec.json.encode(health).decode()


class Changes:
    """What `CounterUnitHardware.watch` reported, from whichever thread: the camera state at each call."""

    def __init__(self, hardware: CounterUnitHardware) -> None:
        self.hardware = hardware
        self.seen: list[str] = []
        self.changed = threading.Condition()

    def __call__(self) -> None:
        with self.changed:
            self.seen.append(self.hardware.camera_state)
            self.changed.notify_all()

    def wait(self, count: int) -> list[str]:
        with self.changed:
            assert self.changed.wait_for(lambda: len(self.seen) >= count, timeout=30), self.seen
            return list(self.seen)


def photo(path: Path) -> None:
    Image.new("L", (64, 48), 200).save(path)


@pytest.mark.usefixtures("pcsc_stack")
def test_the_camera_runs_only_between_start_and_stop(
    profile: DeviceProfile, tmp_path: Path, person: Person
) -> None:
    photo(tmp_path / "a.png")
    hardware = CounterUnitHardware.from_profile(
        msgspec.structs.replace(profile, camera=FolderCamera(path=str(tmp_path)))
    )
    changes = Changes(hardware)
    unwatch = hardware.watch(changes)
    try:
        with pytest.raises(CameraError, match="not running"):
            hardware.read_frame()
        hardware.start_camera()
        hardware.start_camera()  # already running: nothing changes
        assert changes.wait(1) == ["running"]
        assert hardware.read_frame() is not None
        assert hardware.read_frame() is None  # the folder ran dry ...
        photo(tmp_path / "b.png")
        assert hardware.read_frame() is not None  # ... and starts over, seeing the new photo
        assert hardware.read_frame() is not None
        assert (hardware.health().camera, hardware.health().camera_frames) == ("running", 3)
        hardware.stop_camera()
        hardware.stop_camera()
        assert changes.wait(2) == ["running", "stopped"]
        assert hardware.health().camera_frames == 3  # since the unit started
        with VpcdCard(VirtualCard(person), slot=SLOT):
            assert changes.wait(3) == ["running", "stopped", "stopped"]  # the card went in
        changes.wait(4)  # and out
        (tmp_path / "a.png").unlink()
        (tmp_path / "b.png").unlink()
        tmp_path.rmdir()
        with pytest.raises(CameraError):
            hardware.start_camera()
        assert changes.wait(5)[-1] == "failed"
        assert hardware.health().camera == "failed"
    finally:
        unwatch()


def test_a_print_that_fails_or_works_again_is_a_change(
    profile: DeviceProfile, virtual_printer: VirtualPrinter
) -> None:
    hardware = CounterUnitHardware.from_profile(profile)
    changes = Changes(hardware)
    unwatch = hardware.watch(changes)
    try:
        hardware.print_slip(SLIP)
        assert len(changes.wait(1)) == 1  # the first print tells what printing is like
        hardware.print_slip(SLIP)
        virtual_printer.paper_out = True
        with pytest.raises(PaperOutError):
            hardware.print_slip(SLIP)
        assert len(changes.wait(2)) == 2
        with pytest.raises(PaperOutError):
            hardware.print_slip(SLIP)
        virtual_printer.paper_out = False
        hardware.print_slip(SLIP)
        assert len(changes.wait(3)) == 3
    finally:
        unwatch()
    assert len(changes.seen) == 3
    assert len(virtual_printer.wait_for_jobs(3)) == 3


@pytest.mark.usefixtures("pcsc_stack")
def test_card_read_command(person: Person) -> None:
    arguments = ["read", "--reader", READER, "--json"]
    with VpcdCard(VirtualCard(person), slot=SLOT):
        done = CliRunner().invoke(card, arguments, input="1234\n")
        assert done.exit_code == 0, done.output
        assert msgspec.json.decode(done.stdout, type=Person) == person
        wrong = CliRunner().invoke(card, arguments, input="1111\n")
    assert wrong.exit_code == 1
    assert msgspec.json.decode(wrong.stdout) == {
        "error": "WrongPinError",
        "message": "wrong PIN, 2 tries left",
        "tries_left": 2,
    }
    assert "1111" not in wrong.output


def test_validate_profile_command(tmp_path: Path) -> None:
    done = CliRunner().invoke(validate_profile, [str(EMULATED)])
    assert done.exit_code == 0
    assert "ok" in done.stdout
    (tmp_path / "bad.toml").write_text(EMULATED.read_text().replace("[camera]", "[camera]\nfps = 30"))
    bad = CliRunner().invoke(validate_profile, [str(tmp_path / "bad.toml")])
    assert bad.exit_code == 1
    assert "unknown field `fps` - at `$.camera`" in bad.output


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.mark.usefixtures("pcsc_stack")
def test_emulated_hardware_serves_the_profile(person: Person) -> None:
    emulated = load_profile(EMULATED)
    profile = msgspec.structs.replace(
        emulated,
        card_reader=PcscReader(reader=READER),
        printer=msgspec.structs.replace(emulated.printer, port=free_port()),
    )
    hardware = CounterUnitHardware.from_profile(profile)
    with emulated_hardware(profile, person=person) as running:
        assert hardware.card_reader.read_basic_four("1234") == person
        hardware.printer.print_slip(SLIP)
        assert len(running.printer.wait_for_jobs(1)) == 1
        running.card.remove()
        assert hardware.health().card == "empty"
    assert hardware.health().printer == "unreachable"
