"""How many APDUs and how long a My Number Card read takes through the real PC/SC stack and the emulator.

Starts pcscd if needed, puts the virtual card in vpcd slot 1, and reads the basic four facts repeatedly with
the production driver. On a real card each APDU costs a few to tens of milliseconds over NFC, so the APDU
count is what carries over; `--delay` adds a per-APDU latency to see its effect.

    .venv/bin/python -m bench.card [--reads 50] [--delay 0.0]
"""

import argparse
import statistics
import time

from edge_agent.hardware.card.pcsc import PcscCardReader
from edge_agent.hardware.card_emulator import DEMO_PERSON, CardFaults, VirtualCard, VpcdCard
from edge_agent.hardware.card_emulator.vpcd import reader_name
from edge_agent.hardware.pcsc_stack import running_pcscd

SLOT = 1


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--reads", type=int, default=50)
    parser.add_argument("--delay", type=float, default=0.0, help="seconds the card takes per APDU")
    arguments = parser.parse_args()
    card = VirtualCard(DEMO_PERSON, faults=CardFaults(delay_seconds=arguments.delay))
    reader = PcscCardReader(reader_name(SLOT))
    with running_pcscd(), VpcdCard(card, slot=SLOT):
        times, apdus = [], []
        for _ in range(arguments.reads):
            before = len(card.log)
            start = time.perf_counter()
            person = reader.read_basic_four(card.pin)
            times.append(time.perf_counter() - start)
            apdus.append(len(card.log) - before)
        assert person == DEMO_PERSON
        start = time.perf_counter()
        reader.tries_left()
        tries_time = time.perf_counter() - start
    ordered = sorted(times)
    print(f"basic four facts, {arguments.reads} reads, card delay {arguments.delay * 1000:.0f} ms per APDU")
    print(
        f"  APDUs per read: {min(apdus)}..{max(apdus)} (SELECT AP, VERIFY tries, VERIFY PIN, READ BINARY SFI)"
    )
    print(
        f"  time per read: median {statistics.median(times) * 1000:.1f} ms, "
        f"p95 {ordered[int(0.95 * (len(ordered) - 1))] * 1000:.1f} ms, max {ordered[-1] * 1000:.1f} ms"
    )
    print(f"  tries-left check alone: {tries_time * 1000:.1f} ms")


if __name__ == "__main__":
    main()
