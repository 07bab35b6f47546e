"""What the kiosk needs from a card reader, independent of the PC/SC library behind it.

The interface returns the basic four facts as `protocol.facts.Person` so they go straight into the facts
of a submission. Implementations must never log, cache or write to disk a PIN or anything read from the card.
"""

from collections.abc import Callable
from typing import Literal, Protocol

from protocol.facts import Person

CardState = Literal["no_reader", "empty", "present"]
CardEvent = Literal["inserted", "removed"]


class CardReader(Protocol):
    """A reader holding (or not) a My Number Card."""

    def state(self) -> CardState:
        """Whether the reader is there and holds a card, without touching the card."""
        ...

    def tries_left(self) -> int:
        """PIN tries left on the input-support application, asked without spending one."""
        ...

    def read_basic_four(self, pin: str) -> Person:
        """Verify the 4-digit PIN and read name, address, birth date and sex."""
        ...

    def read_my_number(self, pin: str, *, reason: str) -> str:
        """Verify the PIN and read the 12-digit My Number; `reason` says which procedure needs it."""
        ...

    def watch(self, on_event: Callable[[CardEvent], None]) -> Callable[[], None]:
        """Call `on_event` on every insertion and removal until the returned function is called."""
        ...
