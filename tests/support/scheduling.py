"""pytest-xdist scheduling for this suite: each test module goes whole to whichever worker is free (its
module-scoped fixtures start once), except the tests that use the machine's one pcscd and its virtual readers,
which form one unit of work on one worker.

(xdist's own `--dist loadgroup` does this with a marker, but it renames node ids in a way pytest 9 no longer
sees, so the groups silently fall apart.)"""

from xdist.scheduler import LoadScopeScheduling

PCSC_TESTS = ("tests/kiosk/", "tests/hardware/", "tests/spine/test_demo.py")
"""Tests that use pcscd and the vpcd readers (the demo's test starts and stops pcscd itself)."""


class PcscOnOneWorker(LoadScopeScheduling):  # type: ignore[misc]  # xdist ships no type hints
    """Load scheduling with one scope for the PC/SC tests and one for each other test module."""

    def _split_scope(self, nodeid: str) -> str:
        return "pcsc" if nodeid.startswith(PCSC_TESTS) else nodeid.split("::", 1)[0]
