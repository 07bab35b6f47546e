"""Every office's latest queue state, fanned out in-process to whoever watches it (displays, status pages).

The queue service publishes an `OfficeQueue` after each change; each watcher holds only the newest state
(a slow display skips intermediate states instead of queueing them, so one stalled browser never slows a
call), and a watcher that joins gets the current state at once.
"""

import asyncio
import contextlib
from collections.abc import AsyncIterator

from protocol.queue import OfficeQueue


class _Watcher:
    """One subscriber's mailbox: the newest state it has not yet taken."""

    def __init__(self, latest: OfficeQueue | None) -> None:
        self.pending = latest
        self.ready = asyncio.Event()
        if latest is not None:
            self.ready.set()

    def offer(self, state: OfficeQueue) -> None:
        self.pending = state
        self.ready.set()

    async def take(self) -> OfficeQueue:
        await self.ready.wait()
        self.ready.clear()
        state = self.pending
        assert state is not None  # ready is only set with a state pending
        return state


class QueueHub:
    """Latest state per office and the watchers of each office; lives in central's main process."""

    def __init__(self) -> None:
        self._latest: dict[str, OfficeQueue] = {}
        self._watchers: dict[str, set[_Watcher]] = {}

    def latest(self, office_id: str) -> OfficeQueue | None:
        """The office's current state, if the queue service has published one."""
        return self._latest.get(office_id)

    def offices(self) -> list[str]:
        """Offices with a published state, sorted."""
        return sorted(self._latest)

    def publish(self, state: OfficeQueue) -> None:
        """Record a new state and wake the office's watchers; an older `seq` than the current is ignored."""
        current = self._latest.get(state.office_id)
        if current is not None and state.seq < current.seq:
            return
        self._latest[state.office_id] = state
        for watcher in self._watchers.get(state.office_id, ()):
            watcher.offer(state)

    @contextlib.asynccontextmanager
    async def watch(self, office_id: str) -> AsyncIterator["Watch"]:
        """Watch one office for as long as the context is open."""
        watcher = _Watcher(self._latest.get(office_id))
        self._watchers.setdefault(office_id, set()).add(watcher)
        try:
            yield Watch(watcher)
        finally:
            self._watchers[office_id].discard(watcher)

    def watchers(self, office_id: str) -> int:
        """How many watch the office now (health and benches)."""
        return len(self._watchers.get(office_id, ()))


class Watch:
    """An open watch: `await watch.next()` returns the newest state not seen yet."""

    def __init__(self, watcher: _Watcher) -> None:
        self._watcher = watcher

    async def next(self) -> OfficeQueue:
        """Wait for a state newer than the last one returned (the current one first, if any)."""
        return await self._watcher.take()
