"""The emulated counter unit's hardware in one call: pcscd + a virtual card in the profile's vpcd slot, and a
virtual printer on the profile's TCP port. For `make demo`; the tests use the pieces directly.

    python -m edge_agent.hardware.emulated --profile device_profiles/emulated.toml [--out DIR]

It only works for profiles naming a "Virtual PCD 00 0N" reader and a network printer on this machine, and
must never be pointed at real hardware.
"""

import argparse
import contextlib
import signal
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from edge_agent.profile import DeviceProfile, NetworkPrinter, load_profile
from protocol.facts import Person

from .card_emulator import DEMO_PERSON, VirtualCard, VpcdCard
from .card_emulator.vpcd import vpcd_slot
from .pcsc_stack import running_pcscd
from .printer.emulator import VirtualPrinter


@dataclass(frozen=True)
class EmulatedHardware:
    """Handles on the running emulators: pull the card out and put it back, read the printed jobs."""

    card: VpcdCard
    printer: VirtualPrinter


@contextlib.contextmanager
def emulated_hardware(
    profile: DeviceProfile, *, person: Person = DEMO_PERSON, pin: str = "1234", out: Path | None = None
) -> Iterator[EmulatedHardware]:
    """Run the emulators the profile's card reader and printer point at, with the card inserted."""
    printer = profile.printer
    if not isinstance(printer, NetworkPrinter) or printer.host not in ("127.0.0.1", "localhost"):
        raise ValueError("the emulated printer must be a network printer on 127.0.0.1")
    slot = vpcd_slot(profile.card_reader.reader)
    with (
        running_pcscd(),
        VirtualPrinter(port=printer.port, out=out) as virtual_printer,
        VpcdCard(VirtualCard(person, pin=pin), slot=slot) as card,
    ):
        yield EmulatedHardware(card=card, printer=virtual_printer)


def main() -> None:
    """Run the emulated hardware of a profile until SIGINT or SIGTERM."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--profile", type=Path, required=True)
    parser.add_argument("--out", type=Path, help="write each printed job's bytes to this directory")
    arguments = parser.parse_args()
    profile = load_profile(arguments.profile)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with emulated_hardware(profile, out=arguments.out):
        print(f"emulated hardware of {arguments.profile} running", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            stop.wait()


if __name__ == "__main__":
    main()
