"""The office's queue state as central publishes it (retained on `offices/{office_id}/queue`), for the kiosk.

The unit's MQTT link subscribes to its office's topic (the broker lets a unit read it, and only central
publish it) and hands each message here; the kiosk shows the current wait at the plan's counters before it
issues a ticket. A message that is too big or does not decode is counted and dropped. Queue state holds
numbers and minutes only, no personal data.
"""

from dataclasses import dataclass

import msgspec

from protocol.queue import OfficeQueue, decode_queue

MAX_QUEUE_BYTES = 64 * 1024
"""An office's state is a few KiB (20 calls, a dozen counters); anything bigger is not from central."""


@dataclass(frozen=True, slots=True)
class CounterWait:
    """What the kiosk says about one counter: how many wait there and the expected wait, if central knows."""

    waiting: int
    minutes: int | None


class QueueWatch:
    """The newest queue state of this unit's office (None until the link has received one)."""

    def __init__(self) -> None:
        self.state: OfficeQueue | None = None
        self.ignored = 0
        """Messages on the office's queue topic that were not a valid queue state."""

    def offer(self, payload: bytes) -> None:
        """Take a message from the office's queue topic."""
        if len(payload) > MAX_QUEUE_BYTES:
            self.ignored += 1
            return
        try:
            self.state = decode_queue(payload)
        except (msgspec.ValidationError, msgspec.DecodeError):
            self.ignored += 1

    def waits(self, counters: list[str]) -> dict[str, CounterWait]:
        """The current wait at these counters, for those central's last state mentions."""
        state = self.state
        if state is None:
            return {}
        known = {counter.counter: counter for counter in state.counters}
        return {
            counter: CounterWait(known[counter].waiting, known[counter].wait_minutes)
            for counter in counters
            if counter in known
        }
