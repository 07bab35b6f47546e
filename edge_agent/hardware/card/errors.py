"""Errors a card read can end with, one class per thing the kiosk tells the citizen differently.

Every message is safe to log and show: it must never contain a PIN, a name, an address or any other data
read from the card.
"""


class CardError(Exception):
    """Base of every card reader error."""


class NoReaderError(CardError):
    """No PC/SC reader matches the profile (or pcscd is not running)."""


class NoCardError(CardError):
    """The reader is there but holds no card."""


class CardInUseError(CardError):
    """Another program kept the card to itself for too long."""


class NotMyNumberCardError(CardError):
    """The card does not have the card-info input-support application."""


class InvalidPinFormatError(CardError):
    """The PIN is not 4 ASCII digits; nothing was sent to the card."""


class WrongPinError(CardError):
    """The card rejected the PIN; `tries_left` more attempts remain."""

    def __init__(self, tries_left: int) -> None:
        super().__init__(f"wrong PIN, {tries_left} tries left")
        self.tries_left = tries_left


class LastTryRefusedError(CardError):
    """Only one PIN try is left: the kiosk does not risk locking the card; the citizen goes to a counter."""

    def __init__(self) -> None:
        super().__init__("only one PIN try left: not trying, please go to a counter")
        self.tries_left = 1


class PinBlockedError(CardError):
    """The PIN is blocked (63C0, 6983 or 6984); only a city office can reset it."""


class CardRemovedError(CardError):
    """The card was removed (or lost power) in the middle of a read."""


class MalformedCardDataError(CardError):
    """The card answered with data that does not follow the documented layout."""


class CardProtocolError(CardError):
    """The card answered a command with an unexpected status word."""

    def __init__(self, command: str, sw: int) -> None:
        super().__init__(f"{command} failed with status {sw:04X}")
        self.sw = sw
