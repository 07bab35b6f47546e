"""Run a virtual My Number Card in a vpcd slot until interrupted (for `make demo` and manual tests).

    python -m edge_agent.hardware.card_emulator [--slot 0] [--pin 1234] [--tries 3] [--start-pcscd]

PIN 1234 and a made-up holder by default; never give it a real person's data.
"""

import argparse
import contextlib
import signal
import threading

from edge_agent.hardware.pcsc_stack import running_pcscd
from protocol.facts import Person

from .card import DEMO_PERSON, CardFaults, VirtualCard
from .vpcd import VpcdCard, reader_name


def main() -> None:
    """Parse the options, insert the card and wait for SIGINT or SIGTERM."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--slot", type=int, default=0, help="vpcd slot: 0 is 'Virtual PCD 00 00'")
    parser.add_argument("--name", default=DEMO_PERSON.name)
    parser.add_argument("--address", default=DEMO_PERSON.address)
    parser.add_argument("--birth-date", default=DEMO_PERSON.birth_date, help="ISO date")
    parser.add_argument("--sex", default=DEMO_PERSON.sex, choices=["1", "2", "9"])
    parser.add_argument("--pin", default="1234")
    parser.add_argument("--tries", type=int, default=3, help="PIN tries left")
    parser.add_argument("--delay", type=float, default=0.0, help="seconds before every answer")
    parser.add_argument("--start-pcscd", action="store_true", help="start pcscd if it is not running")
    arguments = parser.parse_args()
    person = Person(arguments.name, arguments.address, arguments.birth_date, arguments.sex)
    card = VirtualCard(
        person,
        pin=arguments.pin,
        tries_left=arguments.tries,
        faults=CardFaults(delay_seconds=arguments.delay),
    )
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    stack = running_pcscd() if arguments.start_pcscd else contextlib.nullcontext()
    with stack, VpcdCard(card, slot=arguments.slot):
        print(f"virtual My Number Card in {reader_name(arguments.slot)!r}", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            stop.wait()


if __name__ == "__main__":
    main()
