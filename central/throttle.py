"""Per-key request budgets for public or guessable endpoints (the pre-entry page, staff login).

A fixed-window counter per key (a client address, an account name): `allow(key)` spends one unit of the key's
budget for the current window and says whether any was left. Memory is bounded: windows that ended are
dropped, and at most `max_keys` keys are tracked (the oldest go first), so a flood of spoofed keys cannot grow
it. In-process only: one central process serves HTTP (ingest runs in worker processes). Never logs keys.
"""

import threading
import time
from collections import OrderedDict
from collections.abc import Callable


class Throttle:
    """`limit` requests per key per `window` seconds."""

    def __init__(
        self,
        limit: int,
        window: float,
        *,
        max_keys: int = 100_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit = limit
        self.window = window
        self._max_keys = max_keys
        self._clock = clock
        self._spent: OrderedDict[str, tuple[float, int]] = OrderedDict()
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        """Spend one request of `key`'s budget; False when this window's budget is gone."""
        now = self._clock()
        with self._lock:
            started, count = self._spent.pop(key, (now, 0))
            if now - started >= self.window:
                started, count = now, 0
            self._spent[key] = (started, count + 1)
            while len(self._spent) > self._max_keys:
                self._spent.popitem(last=False)
            return count < self.limit

    def retry_after(self, key: str) -> int:
        """Whole seconds until `key` has budget again (0 if it has some now)."""
        with self._lock:
            started, count = self._spent.get(key, (0.0, 0))
        if count < self.limit:
            return 0
        return max(1, int(started + self.window - self._clock()) + 1)
