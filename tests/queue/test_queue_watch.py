"""The unit keeps its office's newest queue state, and drops what is too big or not a queue state."""

from edge_agent.queue_watch import MAX_QUEUE_BYTES, CounterWait, QueueWatch
from protocol.queue import CounterState, OfficeQueue, encode_queue


def _state(waiting: int) -> OfficeQueue:
    counter = CounterState(
        counter="shimin",
        name_ja="市民課",
        name_en="Citizens",
        waiting=waiting,
        next=[],
        wait_minutes=8,
        open_desks=2,
    )
    return OfficeQueue(
        office_id="honcho", seq=waiting, at="2026-11-30T10:00:00+09:00", calls=[], counters=[counter]
    )


def test_the_newest_state_is_kept_and_anything_else_dropped() -> None:
    watch = QueueWatch()
    assert watch.waits(["shimin"]) == {}  # nothing heard yet: the kiosk says nothing
    watch.offer(encode_queue(_state(3)))
    assert watch.waits(["shimin", "kodomo"]) == {"shimin": CounterWait(3, 8)}
    for hostile in (b"{", b'{"office_id": 1}', b" " * (MAX_QUEUE_BYTES + 1)):
        watch.offer(hostile)
    assert watch.ignored == 3
    assert watch.waits(["shimin"]) == {"shimin": CounterWait(3, 8)}
    watch.offer(encode_queue(_state(5)))
    assert watch.waits(["shimin"]) == {"shimin": CounterWait(5, 8)}
