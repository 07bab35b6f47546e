"""Plug a VirtualCard into a vsmartcard vpcd reader slot: connecting inserts the card, closing removes it.

vpcd (a pcscd driver) listens on 127.0.0.1:35963 for slot 0 ("Virtual PCD 00 00") and 35964 for slot 1.
Every frame is a 2-byte big-endian length and data; one-byte frames are control (00 power off, 01 power on,
02 reset, 04 send the ATR), longer ones are C-APDUs answered with the R-APDU. `insert()` and `remove()`
return only once pcscd itself reports the card in or out, so whoever inserts never races pcscd. This link
must never log APDU contents: a PIN travels in them.
"""

import contextlib
import logging
import re
import socket
import threading
import time
from collections.abc import Callable

from edge_agent.hardware.card.pcsc import PcscCardReader

from .card import CardRemoved, VirtualCard

log = logging.getLogger(__name__)

VPCD_PORT = 35963
ATR = bytes.fromhex("3B80800101")
"""A minimal T=1 ATR with no historical bytes."""

_POWER_OFF, _POWER_ON, _RESET, _GET_ATR = 0, 1, 2, 4
_SEATED_WAIT = 3.0
"""Seconds pcscd gets to power a newly connected card up and report it present before it is re-seated."""
_POLL = 0.02


def reader_name(slot: int) -> str:
    """The PC/SC name of a vpcd slot's reader."""
    return f"Virtual PCD 00 {slot:02d}"


def vpcd_slot(reader: str) -> int:
    """The vpcd slot of a reader named like "Virtual PCD 00 0N"; ValueError for any other reader."""
    match = re.fullmatch(r"Virtual PCD 00 0(\d)", reader)
    if match is None:
        raise ValueError(f"not a vpcd reader: {reader!r}")
    return int(match.group(1))


def _until(condition: Callable[[], bool], deadline: float) -> bool:
    """Poll `condition` until it holds or the monotonic deadline passes."""
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(_POLL)
    return True


class VpcdCard:
    """The virtual card sitting in vpcd slot `slot` (reader "Virtual PCD 00 0<slot>"), served by a thread."""

    def __init__(self, card: VirtualCard, *, slot: int = 0, host: str = "127.0.0.1") -> None:
        self.card = card
        self._address = (host, VPCD_PORT + slot)
        self._reader = PcscCardReader(reader_name(slot))
        self._sock: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._powered = threading.Event()

    def insert(self, timeout: float = 20.0) -> None:
        """Connect to vpcd and return once pcscd reports the card present (it has powered it up).

        pcscd sometimes misses a card connected right after one was pulled out mid-command; re-seating it,
        as a person would, makes it look again.
        """
        if self._thread is not None:
            raise RuntimeError("card already inserted")
        deadline = time.monotonic() + timeout
        while True:
            try:
                self._connect()
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
                continue
            seated = time.monotonic() + _SEATED_WAIT
            if self._powered.wait(_SEATED_WAIT) and _until(self._present, seated):
                return
            self.remove()
            if time.monotonic() > deadline:
                raise TimeoutError("pcscd never reported the virtual card present")

    def _present(self) -> bool:
        return self._reader.state() == "present"

    def _connect(self) -> None:
        self._sock = socket.create_connection(self._address, timeout=1.0)
        self._sock.settimeout(None)
        self.card.reset()
        self._powered.clear()
        self._thread = threading.Thread(target=self._serve, args=(self._sock,), daemon=True, name="vpcd-card")
        self._thread.start()

    def remove(self, timeout: float = 20.0) -> None:
        """Pull the card out; returns once pcscd no longer reports a card (or no longer runs)."""
        sock, thread = self._sock, self._thread
        self._sock, self._thread = None, None
        if sock is not None:
            _close(sock)
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=5)
        if not _until(lambda: not self._present(), time.monotonic() + timeout):
            raise TimeoutError("pcscd still reports the virtual card present")

    @property
    def inserted(self) -> bool:
        """Whether the card is still connected to vpcd."""
        return self._thread is not None and self._thread.is_alive()

    def __enter__(self) -> "VpcdCard":
        self.insert()
        return self

    def __exit__(self, *_: object) -> None:
        self.remove()

    def _serve(self, sock: socket.socket) -> None:
        try:
            while (frame := _receive(sock)) is not None:
                if len(frame) == 1:
                    self._control(sock, frame[0])
                else:
                    _send(sock, self.card.answer(frame))
        except CardRemoved:
            log.info("virtual card pulled out mid-command (fault injection)")
        except OSError:
            pass
        _close(sock)

    def _control(self, sock: socket.socket, code: int) -> None:
        if code == _GET_ATR:
            _send(sock, ATR)
        elif code in (_POWER_OFF, _POWER_ON, _RESET):
            self.card.reset()
            if code == _POWER_ON:
                self._powered.set()


def _receive(sock: socket.socket) -> bytes | None:
    header = _receive_exactly(sock, 2)
    return None if header is None else _receive_exactly(sock, int.from_bytes(header, "big"))


def _receive_exactly(sock: socket.socket, size: int) -> bytes | None:
    data = b""
    while len(data) < size:
        # vpcd writes the length and the APDU separately; acknowledging at once keeps Nagle's algorithm
        # on its side from holding the APDU back for our delayed ACK (about 40 ms an exchange).
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)
        chunk = sock.recv(size - len(data))
        if not chunk:
            return None
        data += chunk
    return data


def _send(sock: socket.socket, data: bytes) -> None:
    sock.sendall(len(data).to_bytes(2, "big") + data)


def _close(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()
