"""The counter unit's hardware built from a profile, and its health report, on the emulated stack."""

import socket
from collections.abc import Iterator
from pathlib import Path

import msgspec
import pytest
from click.testing import CliRunner

from edge_agent.hardware.card_emulator import VirtualCard, VpcdCard
from edge_agent.hardware.cli import card, validate_profile
from edge_agent.hardware.counter_unit import CounterUnitHardware
from edge_agent.hardware.emulated import emulated_hardware
from edge_agent.hardware.printer import CounterStop, Slip
from edge_agent.hardware.printer.emulator import VirtualPrinter
from edge_agent.profile import DeviceProfile, PcscReader, load_profile
from protocol.facts import Person

from .conftest import READER, SLOT

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
    with VpcdCard(VirtualCard(person), slot=SLOT):
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
    slip = Slip(
        office="デモ", ticket="A-001", language="ja", stops=[CounterStop(name="市民課")], qr_text="AB"
    )
    with emulated_hardware(profile, person=person) as running:
        assert hardware.card_reader.read_basic_four("1234") == person
        hardware.printer.print_slip(slip)
        assert len(running.printer.wait_for_jobs(1)) == 1
        running.card.remove()
        assert hardware.health().card == "empty"
    assert hardware.health().printer == "unreachable"
