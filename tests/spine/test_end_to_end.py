"""Counter unit → outbox → MQTT → central → ack, with real processes and a real broker, under failure."""

import json
import random
import signal
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import msgspec
import pytest

from protocol import topics
from protocol.messages import Status
from testbed.broker import Broker
from testbed.households import citizen, facts_json
from testbed.processes import Service
from testbed.services import ROOT, central_service, edge_service, edge_url, issue_token
from tests.spine.helpers import case_ids, count_cases, exported, wait_until


@pytest.fixture
def edge(tmp_path: Path, central: Service) -> Iterator[Service]:
    service = edge_service(tmp_path, central, issue_token(tmp_path)).start()
    yield service
    service.kill(signal.SIGTERM)


def submit(edge: Service, body: bytes, key: str, attempts: int = 600) -> dict[str, Any]:
    """POST until the unit answers 201 (it may be down, being killed and restarted)."""
    for _ in range(attempts):
        try:
            response = httpx.post(
                f"{edge_url(edge)}/api/submissions",
                content=body,
                headers={"Idempotency-Key": key, "content-type": "application/json"},
                timeout=10,
            )
        except httpx.HTTPError:
            time.sleep(0.1)
            continue
        assert response.status_code == 201, response.text
        return dict(response.json())
    raise AssertionError("the counter unit never accepted the submission")


def edge_agent_id(edge: Service) -> str:
    return str(httpx.get(edge.health_url, timeout=5).json()["device_id"])


def edge_health(edge: Service) -> dict[str, object]:
    answer: dict[str, object] = httpx.get(edge.health_url, timeout=5).json()
    return answer


def outbox_depth(edge: Service) -> int:
    return int(str(edge_health(edge)["outbox_depth"]))


def test_round_trip_reaches_export(tmp_path: Path, edge: Service) -> None:
    facts = citizen(random.Random(7), 1)
    created = submit(edge, facts_json(facts), "one")
    assert created["ticket"] == "A001"
    assert created["plan"]["procedures"], "the navigator planned the move-in"
    wait_until(lambda: outbox_depth(edge) == 0, what="the ack")
    record = exported("--data-dir", str(tmp_path / "central"))[0]
    assert record["id"] == created["submission_id"]
    assert (record["status"], record["origin"]) == ("received", "sync")
    assert record["received_at"] is not None
    assert record["facts"]["applicant"]["name"] == facts.applicant.name


def test_same_idempotency_key_gives_the_same_submission(edge: Service) -> None:
    body = facts_json(citizen(random.Random(8), 1))
    assert submit(edge, body, "again") == submit(edge, body, "again")


def test_unknown_field_is_422_and_stores_nothing(edge: Service) -> None:
    body = json.loads(facts_json(citizen(random.Random(9), 1)))
    body["applicant"]["nickname"] = "x"
    response = httpx.post(f"{edge_url(edge)}/api/submissions", json=body)
    assert response.status_code == 422
    assert "nickname" in response.text
    assert outbox_depth(edge) == 0


def test_missing_answers_are_422_naming_the_questions(edge: Service) -> None:
    body = json.loads(facts_json(citizen(random.Random(10), 1)))
    del body["answers"]["animals"]
    response = httpx.post(f"{edge_url(edge)}/api/submissions", json=body)
    assert response.status_code == 422
    assert response.json()["extra"]["missing"] == ["animals"]
    assert outbox_depth(edge) == 0


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_edge_killed_at_random_points_loses_and_duplicates_nothing(tmp_path: Path, edge: Service) -> None:
    total = 500
    rng = random.Random(500)
    done = threading.Event()

    def killer() -> None:  # SIGKILL at 8 random moments, each while submissions are being made
        for _ in range(8):
            if done.wait(rng.uniform(0.5, 3.0)):
                return
            edge.kill(signal.SIGKILL)
            edge.start()

    thread = threading.Thread(target=killer)
    thread.start()
    try:
        ids = {str(submit(edge, facts_json(citizen(rng, n)), f"k{n}")["submission_id"]) for n in range(total)}
    finally:
        done.set()
        thread.join()
    assert len(ids) == total
    wait_until(lambda: count_cases(tmp_path)[0] >= total, timeout=120, what="all cases at central")
    wait_until(lambda: outbox_depth(edge) == 0, timeout=60, what="the outbox to drain")
    assert count_cases(tmp_path) == (total, total)
    assert case_ids(tmp_path) == ids


@pytest.mark.slow
def test_broker_down_for_30_seconds_loses_nothing(tmp_path: Path, broker: Broker, edge: Service) -> None:
    rng = random.Random(30)
    ids = {str(submit(edge, facts_json(citizen(rng, n)), f"a{n}")["submission_id"]) for n in range(50)}
    broker.stop()
    outage_ends = time.monotonic() + 30
    ids |= {str(submit(edge, facts_json(citizen(rng, n)), f"b{n}")["submission_id"]) for n in range(50, 150)}
    time.sleep(max(0.0, outage_ends - time.monotonic()))
    broker.start()
    ids |= {str(submit(edge, facts_json(citizen(rng, n)), f"c{n}")["submission_id"]) for n in range(150, 200)}
    wait_until(
        lambda: outbox_depth(edge) == 0,
        timeout=120,
        what="the outbox to drain",
        state=lambda: (edge_health(edge), len(case_ids(tmp_path))),
    )
    assert case_ids(tmp_path) == ids
    assert count_cases(tmp_path) == (200, 200)


@pytest.mark.slow
def test_central_killed_between_commit_and_ack_reacks_without_duplicates(
    tmp_path: Path, broker: Broker
) -> None:
    crashing = central_service(tmp_path, broker.url)
    crashing.argv = [
        sys.executable,
        str(ROOT / "tests" / "support" / "crash_after_commit.py"),
        *crashing.argv[3:],
    ]
    crashing.start()
    edge = edge_service(tmp_path, crashing, issue_token(tmp_path)).start()
    try:
        rng = random.Random(99)
        ids = {str(submit(edge, facts_json(citizen(rng, n)), f"x{n}")["submission_id"]) for n in range(20)}
        wait_until(
            lambda: crashing.process is not None and crashing.process.poll() is not None, what="the crash"
        )
        committed_before_restart = count_cases(tmp_path)[0]
        assert committed_before_restart >= 1
        assert outbox_depth(edge) == 20  # nothing was acked
        healthy = central_service(tmp_path, broker.url).start()
        try:
            wait_until(lambda: outbox_depth(edge) == 0, timeout=90, what="re-acks")
            assert count_cases(tmp_path) == (20, 20)
            assert case_ids(tmp_path) == ids
        finally:
            healthy.kill()
    finally:
        edge.kill(signal.SIGTERM)
        crashing.kill()


def test_no_personal_data_on_the_edge_disk_or_in_logs(tmp_path: Path, edge: Service) -> None:
    rng = random.Random(200)
    people = [citizen(rng, n) for n in range(200)]
    for n, facts in enumerate(people):
        submit(edge, facts_json(facts), f"p{n}")
    wait_until(lambda: outbox_depth(edge) == 0, timeout=60, what="the outbox to drain")
    edge.kill(signal.SIGTERM)  # flush logs and the WAL
    needles = {value.encode() for p in people for value in (p.applicant.name, p.applicant.address)}
    haystacks = [path for path in (tmp_path / "edge").rglob("*") if path.is_file()]
    haystacks += list(tmp_path.glob("*.log")) + [p for p in (tmp_path / "broker").rglob("*") if p.is_file()]
    assert haystacks
    for path in haystacks:
        data = path.read_bytes()
        leaked = [needle.decode() for needle in needles if needle in data]
        assert not leaked, f"{path.name} holds personal data"
    assert len(case_ids(tmp_path)) == 200  # and central, the city, does hold them


async def test_status_is_retained_online_and_the_last_will_says_offline(
    broker: Broker, edge: Service
) -> None:
    device_id = edge_agent_id(edge)
    before_kill: list[str] = []
    after_kill: list[str] = []
    async with broker.client("status-watcher") as client:
        await client.subscribe(topics.status(device_id), qos=1)
        async for message in client.messages:
            status = msgspec.json.decode(message.payload, type=Status)
            if not before_kill:
                before_kill.append(status.state)
                assert {"card", "printer", "camera", "camera_frames"} <= set(status.hardware)
                edge.kill(signal.SIGKILL)
                continue
            # Heartbeats the unit sent just before it died may still arrive: wait for the will.
            after_kill.append(status.state)
            if status.state == "offline":
                break
    assert before_kill == ["online"]
    assert after_kill[-1] == "offline"
    assert set(after_kill[:-1]) <= {"online"}
