"""Telling systemd that the agent is ready and alive (sd_notify), as the Pi's `madoguchi-edge.service`
(Type=notify, WatchdogSec=30) expects.

`READY=1` goes out once the local API listens; `WATCHDOG=1` every `interval` seconds (half of
`$WATCHDOG_USEC` when systemd sets it, 15 s at most), and only while the unit is healthy: its outbox takes a
write and its local API answers. An agent that hangs or breaks falls silent, and systemd restarts it.
Without `$NOTIFY_SOCKET` (not started by systemd) nothing is sent. The messages carry nothing but these
words; nothing else is logged.
"""

import asyncio
import logging
import os
import socket
import sqlite3
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path

log = logging.getLogger(__name__)
MAX_INTERVAL = 15.0
WRITE_TIMEOUT = 5.0


class Notifier:
    """The datagram socket systemd named in the environment, if any."""

    def __init__(self, environ: Mapping[str, str] = os.environ) -> None:
        address = environ.get("NOTIFY_SOCKET", "")
        self._address = "\0" + address[1:] if address.startswith("@") else address  # @: abstract namespace
        usec = environ.get("WATCHDOG_USEC", "")
        self.interval = min(MAX_INTERVAL, int(usec) / 2e6) if usec.isdigit() and int(usec) else MAX_INTERVAL
        """Seconds between watchdog pings: half of systemd's timeout, so one late ping is no restart."""

    def send(self, message: str) -> None:
        """Send one notification (nothing without a socket; a failed send is logged, never raised)."""
        if not self._address:
            return
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
                sock.sendto(message.encode(), self._address)
        except OSError as exc:
            log.warning("sd_notify: cannot reach systemd's socket (%s)", type(exc).__name__)

    def ready(self) -> None:
        """The agent serves: systemd may consider the start done."""
        self.send("READY=1")

    def alive(self) -> None:
        """The agent is healthy now."""
        self.send("WATCHDOG=1")


def outbox_writable(path: Path) -> bool:
    """Whether the outbox database takes a write now (a write lock, taken and released; nothing written)."""
    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=rw", uri=True, timeout=WRITE_TIMEOUT)
    except sqlite3.Error:
        return False
    try:
        db.execute("BEGIN IMMEDIATE")
        db.execute("ROLLBACK")
    except sqlite3.Error:
        return False
    finally:
        db.close()
    return True


async def watchdog(notifier: Notifier, healthy: Callable[[], Awaitable[bool]]) -> None:
    """Ping systemd's watchdog every interval while healthy() says so, until cancelled."""
    while True:
        if await healthy():
            notifier.alive()
        else:
            log.warning("sd_notify: unhealthy (outbox or local API); no watchdog ping")
        await asyncio.sleep(notifier.interval)
