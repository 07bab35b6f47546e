"""The per-key budget behind the public pages: windows reset, keys are independent, memory is bounded."""

from central.throttle import Throttle


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_key_gets_its_budget_back_when_the_window_ends() -> None:
    clock = Clock()
    throttle = Throttle(limit=3, window=60.0, clock=clock)
    assert [throttle.allow("a") for _ in range(4)] == [True, True, True, False]
    assert throttle.allow("b"), "another key has its own budget"
    assert throttle.retry_after("a") == 61
    clock.now = 60.0
    assert throttle.allow("a")
    assert throttle.retry_after("a") == 0


def test_at_most_max_keys_are_remembered() -> None:
    throttle = Throttle(limit=1, window=60.0, max_keys=2, clock=Clock())
    for key in ("a", "b", "c"):
        assert throttle.allow(key)
    assert throttle.allow("a"), "the oldest key was forgotten, not kept forever"
    assert not throttle.allow("c")
