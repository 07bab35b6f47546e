"""Defects 1 and 2 of the hostile-network review, end to end on a broker that lets anyone in.

An outsider joins central's shared subscription, takes a share of the envelopes and answers each with a
forged ack; another sends a retained ack naming 300,000 ids. Every submission the unit answered 201 must
still reach central (the unit ignores what central did not sign and sends unacked envelopes again), the
unit's link must keep running, and its health must say what happened.
"""

import asyncio
import json
import random
from collections.abc import Iterator
from pathlib import Path

import aiomqtt
import httpx
import msgspec
import pytest

from protocol import envelope, topics
from testbed.broker import Broker
from testbed.households import citizen
from testbed.processes import Service
from testbed.services import edge_service, issue_token
from tests.spine.helpers import case_ids, wait_until

SUBMISSIONS = 20


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[Broker]:
    """Anonymous on purpose: signed acks must hold even where anyone can join central's shared subscription
    and publish on a unit's acks topic, which the city's broker (mutual TLS, per-unit rules) never allows."""
    running = Broker(tmp_path / "broker", central_data=None).start()
    yield running
    running.stop()


@pytest.fixture
def unit(tmp_path: Path, central: Service) -> Iterator[Service]:
    """A counter unit that sends an envelope again after 1 s without central's signed ack."""
    service = edge_service(tmp_path, central, issue_token(tmp_path))
    service.argv += ["--ack-timeout", "1"]
    service.start()
    yield service
    service.kill()


def health(unit: Service) -> dict[str, object]:
    answer: dict[str, object] = httpx.get(f"{unit.base_url}/api/health", timeout=10).json()
    return answer


def submit(unit: Service, count: int, seed: int) -> set[str]:
    ids = set()
    for n in range(count):
        body = msgspec.json.encode(citizen(random.Random(seed + n), n))
        created = httpx.post(
            f"{unit.base_url}/api/submissions",
            content=body,
            headers={"content-type": "application/json"},
            timeout=30,
        )
        assert created.status_code == 201
        ids.add(created.json()["submission_id"])
    return ids


async def test_envelopes_swallowed_by_an_outsider_with_forged_acks_still_arrive(
    tmp_path: Path, broker: Broker, unit: Service
) -> None:
    device_id = str(health(unit)["device_id"])
    swallowed: list[str] = []
    async with aiomqtt.Client(broker.host, broker.port, identifier="outsider") as outsider:
        await outsider.subscribe(f"{topics.CENTRAL_SHARE}/madoguchi/v1/devices/+/submissions", qos=1)

        async def forge() -> None:
            async for message in outsider.messages:
                assert isinstance(message.payload, bytes)
                sid = envelope.parse(message.payload).submission_id
                swallowed.append(sid)
                for forged in (
                    json.dumps({"ids": [sid]}),  # the unsigned ack units used to believe
                    json.dumps({"v": 2, "device_id": device_id, "ids": [sid], "sig": "A" * 88}),
                ):
                    await outsider.publish(topics.acks(device_id), forged, qos=1)

        forger = asyncio.create_task(forge())
        answered = await asyncio.to_thread(submit, unit, SUBMISSIONS, 100)
        await asyncio.to_thread(
            wait_until,
            lambda: answered <= case_ids(tmp_path),
            timeout=120,
            what="every answered submission at central",
        )
        forger.cancel()
    assert swallowed, "the outsider did take a share of the envelopes"
    wait_until(lambda: health(unit)["outbox_depth"] == 0, what="the outbox to drain on central's acks")
    assert int(str(health(unit)["ignored_acks"])) >= len(swallowed)


async def test_a_retained_ack_naming_300000_ids_does_not_stop_the_unit(
    tmp_path: Path, broker: Broker, unit: Service
) -> None:
    device_id = str(health(unit)["device_id"])
    # 300,000 ids are more variables than SQLite takes in one statement; empty ones keep the message under
    # the broker's 1 MiB packet limit, which a unit must not count on anyway
    flood = {"v": 2, "device_id": device_id, "ids": [""] * 300_000, "sig": ""}
    async with aiomqtt.Client(broker.host, broker.port, identifier="flooder") as flooder:
        await flooder.publish(topics.acks(device_id), msgspec.json.encode(flood), qos=1, retain=True)
    wait_until(lambda: int(str(health(unit)["ignored_acks"])) >= 1, what="the unit to see the flood")
    answered = submit(unit, 3, 200)
    wait_until(lambda: answered <= case_ids(tmp_path), what="later submissions to reach central")
    # central stores a case before its ack travels back, so the outbox drains a moment after
    wait_until(lambda: health(unit)["outbox_depth"] == 0, what="the outbox to drain on central's acks")
    state = health(unit)
    assert state["broker_connected"] is True
    assert state["link_failures"] == 0
