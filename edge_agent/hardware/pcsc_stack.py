"""Start the PC/SC daemon for the virtual reader (tests, `make demo`) and stop it only if we started it.

pcscd is one system daemon: if one already runs (systemd, another test run, the demo) it is reused and left
alone (a PC/SC context is held open meanwhile, so a socket-activated pcscd does not auto-exit under us).
vpcd is loaded by pcscd at start-up from /etc/reader.conf.d/vpcd, so the daemon must start after the
vsmartcard-vpcd package is installed. This module must never kill a pcscd it did not start.
"""

import contextlib
import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

PCSCD_SOCKET = Path("/run/pcscd/pcscd.comm")
VPCD_CONFIG = Path("/etc/reader.conf.d/vpcd")


class PcscStackError(RuntimeError):
    """pcscd or vpcd is missing or did not come up."""


def _pcscd_answers() -> bool:
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(1.0)
            sock.connect(str(PCSCD_SOCKET))
    except OSError:
        return False
    return True


def _wait(condition: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


@contextlib.contextmanager
def _client_context() -> Iterator[None]:
    """Hold a PC/SC context: a socket-activated pcscd (--auto-exit) stays up while a client is connected."""
    from smartcard.scard import SCARD_SCOPE_USER, SCardEstablishContext, SCardReleaseContext

    _, context = SCardEstablishContext(SCARD_SCOPE_USER)
    try:
        yield
    finally:
        SCardReleaseContext(context)


@contextlib.contextmanager
def running_pcscd(timeout: float = 15.0) -> Iterator[None]:
    """Make sure pcscd runs with the vpcd driver loaded for the duration of the block."""
    if _pcscd_answers():
        with _client_context():
            yield
        return
    executable = shutil.which("pcscd") or "/usr/sbin/pcscd"
    if not Path(executable).exists() or not VPCD_CONFIG.exists():
        raise PcscStackError("pcscd or vsmartcard-vpcd is not installed (see scripts/apt-packages.txt)")
    process = subprocess.Popen(
        [executable, "--foreground"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        if not _wait(_pcscd_answers, timeout):
            raise PcscStackError("pcscd did not open its socket")
        yield
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
