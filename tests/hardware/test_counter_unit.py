"""The counter unit's hardware built from a profile, and its health report, on the emulated stack."""

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import msgspec
import pytest

from edge_agent.hardware.card_emulator import VirtualCard, VpcdCard
from edge_agent.hardware.counter_unit import CounterUnitHardware
from edge_agent.hardware.printer.emulator import VirtualPrinter
from edge_agent.profile import DeviceProfile, PcscReader, load_profile
from protocol.facts import Person

from .conftest import READER, SLOT_PORT

EMULATED = Path(__file__).parents[2] / "device_profiles" / "emulated.toml"


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
    with VpcdCard(VirtualCard(person), port=SLOT_PORT):
        assert hardware.health().card == "present"
    virtual_printer.paper_out = True
    assert hardware.health().printer == "paper_out"
    camera = hardware.start_camera()
    assert camera.read() is None  # the demo folder holds no photos, only its README
    virtual_printer.stop()
    health = hardware.health()
    assert (health.printer, health.camera) == ("unreachable", "running")
    assert "name" not in msgspec.json.encode(health).decode()


@pytest.mark.usefixtures("pcsc_stack")
def test_card_read_command(person: Person) -> None:
    command = [sys.executable, "-m", "madoguchi", "edge", "card", "read", "--reader", READER, "--json"]
    with VpcdCard(VirtualCard(person), port=SLOT_PORT):
        done = subprocess.run(command, input="1234\n", capture_output=True, text=True, timeout=60, check=True)
        assert msgspec.json.decode(done.stdout, type=Person) == person
        wrong = subprocess.run(
            command, input="1111\n", capture_output=True, text=True, timeout=60, check=False
        )
    assert wrong.returncode == 1
    assert msgspec.json.decode(wrong.stdout) == {
        "error": "WrongPinError",
        "message": "wrong PIN, 2 tries left",
        "tries_left": 2,
    }
    assert "1111" not in wrong.stdout + wrong.stderr


def test_validate_profile_command(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "madoguchi", "edge", "validate-profile"]
    done = subprocess.run([*command, str(EMULATED)], capture_output=True, text=True, timeout=60, check=True)
    assert "ok" in done.stdout
    (tmp_path / "bad.toml").write_text(EMULATED.read_text().replace("[camera]", "[camera]\nfps = 30"))
    bad = subprocess.run(
        [*command, str(tmp_path / "bad.toml")], capture_output=True, text=True, timeout=60, check=False
    )
    assert bad.returncode == 1
    assert "unknown field `fps` - at `$.camera`" in bad.stderr
