"""Tickets issued offline on two real counter units, broker down, are unique per office and day after sync.

Both units use the default prefix "A", so both print A001, A002, ...: central keeps the first of each
number it issues and gives the other a suffix (A001-2), so no number is ever called twice.
"""

import random
import signal
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlmodel import Session, select

from central.db import make_engine
from central.queue.models import Ticket
from testbed.broker import Broker
from testbed.households import citizen, facts_json
from testbed.processes import Service
from testbed.services import edge_service, edge_url, issue_token
from tests.spine.helpers import wait_until

PER_UNIT = 4


@pytest.fixture
def units(tmp_path: Path, central: Service) -> Iterator[list[Service]]:
    started = [
        edge_service(tmp_path, central, issue_token(tmp_path), name=name).start()
        for name in ("unit-a", "unit-b")
    ]
    yield started
    for unit in started:
        unit.kill(signal.SIGTERM)


def _tickets(workdir: Path) -> list[Ticket]:
    engine = make_engine(f"sqlite:///{workdir / 'central' / 'central.db'}")
    with Session(engine) as session:
        rows = list(session.exec(select(Ticket)))
    engine.dispose()
    return rows


def test_offline_tickets_on_two_units_get_unique_numbers_after_sync(
    tmp_path: Path, broker: Broker, units: list[Service]
) -> None:
    broker.stop()
    rng = random.Random(12)
    printed = []
    for serial in range(PER_UNIT):
        for unit in units:
            response = httpx.post(
                f"{edge_url(unit)}/api/submissions",
                content=facts_json(citizen(rng, serial)),
                headers={"content-type": "application/json"},
                timeout=30,
            )
            assert response.status_code == 201, response.text
            printed.append(response.json()["ticket"])
    assert len(set(printed)) == PER_UNIT  # each number printed twice, once per unit
    broker.start()
    wait_until(lambda: len(_tickets(tmp_path)) == 2 * PER_UNIT, timeout=120, what="every ticket issued")
    tickets = _tickets(tmp_path)
    assert len({(ticket.office_id, ticket.day, ticket.number) for ticket in tickets}) == 2 * PER_UNIT
    assert sorted(ticket.printed for ticket in tickets) == sorted(printed)
    renumbered = sorted(ticket.number for ticket in tickets if ticket.number != ticket.printed)
    assert renumbered == sorted(f"{number}-2" for number in set(printed))
