"""The APDU logic of a virtual My Number Card: SELECT, VERIFY and READ BINARY on the input-support AP.

It keeps a log of every command and status word so tests can prove what a driver sent (for example that no
VERIFY with data was sent when one try was left). It models only what the driver uses and must not grow
into a general smart card simulator.
"""

import threading
import time
from dataclasses import dataclass, field

from edge_agent.hardware.card import apdu
from edge_agent.hardware.card.tlv import TAG_MY_NUMBER, encode, encode_basic_four
from protocol.facts import Person

DEMO_PERSON = Person(
    name="窓口　花子", address="熊本県熊本市中央区手取本町１－１", birth_date="1985-04-01", sex="2"
)
"""The made-up holder of the demo's card."""

_FILE_SIZE_BASIC_FOUR = 0x200
_FILE_IDS = frozenset({apdu.EF_PIN, apdu.EF_MY_NUMBER, apdu.EF_BASIC_FOUR})
_READABLE_BY_SFI = frozenset({apdu.EF_MY_NUMBER, apdu.EF_BASIC_FOUR})


@dataclass(frozen=True)
class CardFaults:
    """Ways the virtual card misbehaves, to test the driver's error paths."""

    remove_on_read: bool = False
    """Pull the card out when EF 0002 or EF 0001 is first read (the read gets no answer)."""
    delay_seconds: float = 0.0
    """Wait this long before every answer (a slow card or reader)."""
    garbled_data: bool = False
    """EF 0002 holds a TLV whose inner length runs past its parent."""
    wrong_application: bool = False
    """The input-support AP is missing: some other card with the same reader."""
    no_short_ids: bool = False
    """Refuse short file ids in VERIFY and READ BINARY (6A86): EFs must be selected first."""


@dataclass(frozen=True)
class LoggedApdu:
    """One exchange: the command as sent and the status word answered (None if the card was pulled)."""

    command: bytes
    sw: int | None


class CardRemoved(Exception):  # noqa: N818  # a signal to the link, not an error of the card
    """Raised by `VirtualCard.answer` when a fault pulls the card out."""


@dataclass
class VirtualCard:
    """A My Number Card with a made-up holder, PIN and PIN tries counter."""

    person: Person
    pin: str = "1234"
    my_number: str = "123456789018"
    tries_left: int = 3
    max_tries: int = 3
    faults: CardFaults = field(default_factory=CardFaults)
    log: list[LoggedApdu] = field(default_factory=list)
    _app_selected: bool = field(default=False, init=False, repr=False)
    _current_ef: int | None = field(default=None, init=False, repr=False)
    _verified: bool = field(default=False, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False, compare=False)

    def reset(self) -> None:
        """Power cycle: the security status and selection are lost, the tries counter is not."""
        self._app_selected, self._current_ef, self._verified = False, None, False

    def answer(self, command: bytes) -> bytes:
        """Answer one C-APDU with its R-APDU (data + SW), logging both."""
        if self.faults.delay_seconds:
            time.sleep(self.faults.delay_seconds)
        with self._lock:
            try:
                data, sw = self._dispatch(command)
            except CardRemoved:
                self.log.append(LoggedApdu(command, None))
                raise
            self.log.append(LoggedApdu(command, sw))
        return data + sw.to_bytes(2, "big")

    def verify_commands(self) -> list[bytes]:
        """Every VERIFY sent so far that carried a PIN (the empty ones only ask the tries left)."""
        return [e.command for e in self.log if e.command[1] == apdu.INS_VERIFY and len(e.command) > 4]

    def _dispatch(self, command: bytes) -> tuple[bytes, int]:
        if len(command) < 4:
            return b"", apdu.SW_WRONG_LENGTH
        ins = command[1]
        if ins == apdu.INS_SELECT:
            return b"", self._select(command)
        if ins == apdu.INS_VERIFY:
            return b"", self._verify(command)
        if ins == apdu.INS_READ_BINARY:
            return self._read_binary(command)
        return b"", apdu.SW_INS_NOT_SUPPORTED

    def _select(self, command: bytes) -> int:
        p1, body = command[2], command[5 : 5 + command[4]] if len(command) > 4 else b""
        if p1 == 0x04:
            self._app_selected = body == apdu.INPUT_SUPPORT_AID and not self.faults.wrong_application
            self._current_ef, self._verified = None, False
            return apdu.SW_OK if self._app_selected else apdu.SW_FILE_NOT_FOUND
        fid = int.from_bytes(body, "big")
        if p1 != 0x02 or not self._app_selected or fid not in _FILE_IDS:
            return apdu.SW_FILE_NOT_FOUND
        self._current_ef = fid
        return apdu.SW_OK

    def _verify(self, command: bytes) -> int:
        sfi = command[3] & 0x1F
        if sfi and self.faults.no_short_ids:
            return apdu.SW_WRONG_P1P2
        if not self._app_selected or (sfi or self._current_ef) != apdu.EF_PIN:
            return apdu.SW_SECURITY_NOT_SATISFIED
        if self.tries_left == 0:
            return apdu.SW_BLOCKED_CARD
        if len(command) == 4:
            return 0x63C0 | self.tries_left
        if command[5 : 5 + command[4]] == self.pin.encode("ascii"):
            self.tries_left, self._verified = self.max_tries, True
            return apdu.SW_OK
        self.tries_left -= 1
        return 0x63C0 | self.tries_left

    def _read_binary(self, command: bytes) -> tuple[bytes, int]:
        p1, p2 = command[2], command[3]
        le = (command[4] or apdu.MAX_SHORT_LE) if len(command) > 4 else apdu.MAX_SHORT_LE
        if p1 & 0x80:
            sfi = p1 & 0x1F
            if self.faults.no_short_ids:
                return b"", apdu.SW_WRONG_P1P2
            if sfi not in _READABLE_BY_SFI or not self._app_selected:
                return b"", apdu.SW_FILE_NOT_FOUND
            self._current_ef, offset = sfi, p2
        else:
            offset = p1 << 8 | p2
        if self._current_ef is None or self._current_ef == apdu.EF_PIN:
            return b"", apdu.SW_FILE_NOT_FOUND
        if not self._verified:
            return b"", apdu.SW_SECURITY_NOT_SATISFIED
        if self.faults.remove_on_read:
            raise CardRemoved
        content = self._file(self._current_ef)
        if offset >= len(content):
            return b"", apdu.SW_WRONG_OFFSET
        chunk = content[offset : offset + le]
        return chunk, apdu.SW_OK if len(chunk) == le else apdu.SW_END_OF_FILE

    def _file(self, fid: int) -> bytes:
        if fid == apdu.EF_MY_NUMBER:
            content = encode(TAG_MY_NUMBER, self.my_number.encode("ascii"))
            return content + b"\xff" * (17 - len(content))
        content = encode_basic_four(self.person)
        if self.faults.garbled_data:
            content = content[:-4] + b"\xdf\x25\x7f" + content[-1:]  # sex TLV claims 127 bytes
        return content + b"\xff" * max(0, _FILE_SIZE_BASIC_FOUR - len(content))
