"""The in-memory session store: idle sessions are forgotten, polling does not keep a session alive."""

from edge_agent.kiosk.session import SessionStore
from protocol.facts import Person


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_idle_sessions_are_wiped() -> None:
    clock = Clock()
    store = SessionStore(idle_seconds=10, clock=clock)
    session = store.start("ja")
    session.applicant = Person("窓口　花子", "みどり市", "1985-04-01", "2")
    clock.now = 9
    assert store.get(session.token) is session
    clock.now = 15
    assert store.get(session.token, touch=False) is session
    clock.now = 19.5
    assert store.sweep() == 1
    assert store.get(session.token) is None
    assert len(store) == 0


def test_end_forgets_and_tokens_are_unguessable() -> None:
    store = SessionStore(idle_seconds=10)
    first, second = store.start("en"), store.start("en")
    assert first.token != second.token
    assert len(first.token) >= 40
    store.end(first.token)
    assert store.get(first.token) is None
    assert store.get(second.token) is second
    assert store.get(None) is None
