"""Central (HTTP only) whose queue hub a test feeds as the queue service will, and headless Chromium."""

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser

from protocol.queue import Call, CounterState, OfficeQueue, encode_queue
from testbed.processes import Service
from testbed.services import queue_central_service
from tests.support.browser import chromium

OFFICE = "honcho"
AT = "2026-11-30T10:00:00+09:00"
SHIMIN = CounterState(
    counter="shimin",
    name_ja="市民課（住民異動・証明）",
    name_en="Citizens Division (moving, certificates)",
    waiting=4,
    next=["A-013", "A-014", "A-015"],
    wait_minutes=12,
    open_desks=2,
)
HOKEN = CounterState(
    counter="hoken_nenkin",
    name_ja="保険年金課",
    name_en="Health Insurance and Pension Division",
    waiting=2,
    next=["B-004", "B-005"],
    wait_minutes=None,
    open_desks=1,
)


def call(call_id: str, ticket: str = "A-012", desk: str = "3", counter: str = "shimin") -> Call:
    return Call(call_id=call_id, ticket=ticket, counter=counter, desk=desk, at=AT)


def queue(seq: int, *calls: Call, office_id: str = OFFICE) -> OfficeQueue:
    return OfficeQueue(office_id=office_id, seq=seq, at=AT, calls=list(calls), counters=[SHIMIN, HOKEN])


def publish(central: Service, state: OfficeQueue) -> None:
    """What the queue service does after a call: the office's new state into central's hub."""
    answer = httpx.post(f"{central.base_url}/testbed/queue", content=encode_queue(state), timeout=10)
    assert answer.status_code == 204, answer.text


@pytest.fixture
def queue_central(tmp_path: Path) -> Iterator[Service]:
    service = queue_central_service(tmp_path).start()
    yield service
    service.kill()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium("--autoplay-policy=no-user-gesture-required") as launched:  # as on a TV (docs/displays.md)
        yield launched
