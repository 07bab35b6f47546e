"""The PC/SC (pyscard) driver for the My Number Card's card-info input-support application.

One read is one short, exclusive session: SELECT the AP by its full AID, ask the tries left with an empty
VERIFY, refuse when one try is left, VERIFY the PIN, then READ BINARY by short file id (select and read in one
APDU), so the basic four facts cost four APDUs; a card refusing short file ids gets SELECT EF + plain forms.
pyscard's exceptions are translated into `errors` here and nowhere else. This driver must never log, store
or retry a PIN: a retry spends one of the citizen's tries.
"""

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import Any

from smartcard.Exceptions import CardConnectionException, NoCardException
from smartcard.pcsc.PCSCExceptions import BaseSCardException
from smartcard.scard import (
    SCARD_E_SHARING_VIOLATION,
    SCARD_S_SUCCESS,
    SCARD_SCOPE_USER,
    SCARD_SHARE_EXCLUSIVE,
    SCARD_STATE_PRESENT,
    SCARD_STATE_UNAWARE,
    SCardEstablishContext,
    SCardGetStatusChange,
    SCardReleaseContext,
)
from smartcard.System import readers

from protocol.facts import Person

from . import apdu, tlv
from .errors import (
    CardInUseError,
    CardProtocolError,
    CardRemovedError,
    InvalidPinFormatError,
    LastTryRefusedError,
    MalformedCardDataError,
    NoCardError,
    NoReaderError,
    NotMyNumberCardError,
    PinBlockedError,
    WrongPinError,
)
from .reader import CardEvent, CardState

log = logging.getLogger(__name__)

SHARING_WAIT = 5.0
"""Seconds to wait for another program (or thread) to finish with the card before giving up."""
WATCH_INTERVAL = 0.25
"""Seconds between two looks at the reader when watching for insertions and removals."""
_BLOCKED = frozenset({0x63C0, apdu.SW_BLOCKED_CARD, apdu.SW_BLOCKED_ISO})
_READ_OK = frozenset({apdu.SW_OK, apdu.SW_END_OF_FILE})
_NO_SHORT_IDS = frozenset({apdu.SW_WRONG_P1P2, apdu.SW_FILE_NOT_FOUND, apdu.SW_REFERENCE_NOT_FOUND})
"""Answers of a card that does not take short file ids in VERIFY P2 / READ BINARY P1."""


class _Channel:
    """A connected card: transmit APDUs, translating transport failures."""

    def __init__(self, connection: Any) -> None:
        self._connection = connection
        self.short_ids = True
        """Whether the card takes short file ids (select and act in one APDU); learnt on the first VERIFY."""

    def send(self, command: bytes) -> tuple[bytes, int]:
        try:
            data, sw1, sw2 = self._connection.transmit(list(command))
        except CardConnectionException as error:
            raise CardRemovedError("card removed or lost power during the read") from error
        return bytes(data), sw1 << 8 | sw2


class PcscCardReader:
    """A PC/SC reader whose name contains `reader_name` (e.g. "ACR1252", "RC-S300", "Virtual PCD 00 00")."""

    def __init__(self, reader_name: str) -> None:
        self.reader_name = reader_name

    def _reader(self) -> Any:
        try:
            available = readers()
        except BaseSCardException as error:
            raise NoReaderError("the PC/SC service (pcscd) is not available") from error
        for reader in available:
            if self.reader_name in str(reader):
                return reader
        raise NoReaderError(f"no card reader named like {self.reader_name!r}")

    def state(self) -> CardState:
        try:
            name = str(self._reader())
        except NoReaderError:
            return "no_reader"
        result, context = SCardEstablishContext(SCARD_SCOPE_USER)
        if result != SCARD_S_SUCCESS:
            return "no_reader"
        try:
            result, states = SCardGetStatusChange(context, 0, [(name, SCARD_STATE_UNAWARE)])
        finally:
            SCardReleaseContext(context)
        if result != SCARD_S_SUCCESS:
            return "no_reader"
        return "present" if states[0][1] & SCARD_STATE_PRESENT else "empty"

    @contextmanager
    def _session(self) -> Iterator[_Channel]:
        """A connection with the input-support AP selected; the card is unpowered when it ends."""
        connection = self._reader().createConnection()
        try:
            _connect_exclusively(connection)
            try:
                channel = _Channel(connection)
                _, sw = channel.send(apdu.select_df(apdu.INPUT_SUPPORT_AID))
                if sw != apdu.SW_OK:
                    raise NotMyNumberCardError("this card is not a My Number Card")
                yield channel
            finally:
                with suppress(CardConnectionException):  # the card may be gone already
                    connection.disconnect()
        finally:
            with suppress(CardConnectionException):  # so may pcscd
                connection.release()

    def tries_left(self) -> int:
        with self._session() as channel:
            return _tries_left(channel)

    def read_basic_four(self, pin: str) -> Person:
        _check_pin_format(pin)
        with self._session() as channel:
            _verify(channel, pin)
            person = tlv.decode_basic_four(_read_ef(channel, apdu.EF_BASIC_FOUR))
        log.info("basic four facts read from the card")
        return person

    def read_my_number(self, pin: str, *, reason: str) -> str:
        if not reason.strip():
            raise ValueError("reading the My Number needs the plan's reason")
        _check_pin_format(pin)
        with self._session() as channel:
            _verify(channel, pin)
            number = tlv.decode_my_number(_read_ef(channel, apdu.EF_MY_NUMBER))
        log.info("My Number read from the card for: %s", reason)
        return number

    def watch(self, on_event: Callable[[CardEvent], None]) -> Callable[[], None]:
        stopped = threading.Event()

        def poll() -> None:  # pyscard's CardMonitor is a process-wide thread that outlives its observers
            present = self.state() == "present"
            while not stopped.wait(WATCH_INTERVAL):
                now_present = self.state() == "present"
                if now_present != present:
                    on_event("inserted" if now_present else "removed")
                present = now_present

        thread = threading.Thread(target=poll, daemon=True, name="card-watch")
        thread.start()

        def stop() -> None:
            stopped.set()
            thread.join()

        return stop


def _connect_exclusively(connection: Any) -> None:
    """Connect so that no other program can reset or use the card mid-session; wait while one does."""
    deadline = time.monotonic() + SHARING_WAIT
    while True:
        try:
            connection.connect(mode=SCARD_SHARE_EXCLUSIVE)
        except NoCardException as error:
            raise NoCardError("no card in the reader") from error
        except CardConnectionException as error:
            if error.hresult & 0xFFFFFFFF != SCARD_E_SHARING_VIOLATION & 0xFFFFFFFF:
                raise NoCardError("the card in the reader does not answer") from error
            if time.monotonic() > deadline:
                raise CardInUseError("another program is using the card") from error
            time.sleep(0.1)
        else:
            return


def _check_pin_format(pin: str) -> None:
    if len(pin) != 4 or not (pin.isascii() and pin.isdigit()):
        raise InvalidPinFormatError("the PIN is 4 digits")


def _tries_left(channel: _Channel) -> int:
    _, sw = channel.send(apdu.verify(apdu.EF_PIN))
    if sw in _NO_SHORT_IDS:  # this card wants the PIN EF selected first (and so every EF)
        channel.short_ids = False
        _select(channel, apdu.EF_PIN)
        _, sw = channel.send(apdu.verify(0))
    tries = apdu.tries_left(sw)
    if sw in _BLOCKED:
        raise PinBlockedError("the PIN is blocked; the city office can reset it")
    if tries is None:
        raise CardProtocolError("VERIFY (tries left)", sw)
    return tries


def _verify(channel: _Channel, pin: str) -> None:
    if _tries_left(channel) == 1:
        raise LastTryRefusedError
    _, sw = channel.send(apdu.verify(apdu.EF_PIN if channel.short_ids else 0, pin.encode("ascii")))
    if sw == apdu.SW_OK:
        return
    if sw in _BLOCKED:
        raise PinBlockedError("wrong PIN: the PIN is now blocked; the city office can reset it")
    tries = apdu.tries_left(sw)
    if tries is None:
        raise CardProtocolError("VERIFY", sw)
    raise WrongPinError(tries)


def _select(channel: _Channel, fid: int) -> None:
    _, sw = channel.send(apdu.select_ef(fid))
    if sw != apdu.SW_OK:
        raise CardProtocolError(f"SELECT EF {fid:04X}", sw)


def _read(channel: _Channel, command: bytes) -> bytes:
    data, sw = channel.send(command)
    if sw & 0xFF00 == 0x6C00:  # wrong Le: the card says how many bytes it has
        data, sw = channel.send(command[:-1] + bytes([sw & 0xFF]))
    if sw not in _READ_OK:
        raise CardProtocolError("READ BINARY", sw)
    return data


def _read_ef(channel: _Channel, fid: int) -> bytes:
    """Read the TLV at the start of an EF: one APDU (by short id) for up to 256 bytes, then by offset."""
    if channel.short_ids:
        data = _read(channel, apdu.read_binary_sfi(fid, 0, apdu.MAX_SHORT_LE))
    else:
        _select(channel, fid)
        data = _read(channel, apdu.read_binary(0, apdu.MAX_SHORT_LE))
    size = tlv.total_length(data)
    while len(data) < size:
        chunk = _read(channel, apdu.read_binary(len(data), min(size - len(data), apdu.MAX_SHORT_LE)))
        if not chunk:
            raise MalformedCardDataError("the file ends before its TLV does")
        data += chunk
    return data[:size]
