"""Central ingest against a real broker: replays, every rejection class, and ingest continuing after each."""

import asyncio
import os
import random
import signal
import subprocess
import sys
import uuid
from collections import Counter
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

import msgspec
from cryptography.hazmat.primitives.asymmetric import ed25519
from sqlalchemy import insert, select

from central.db import make_engine
from central.ingest.devices import REFRESH_SECONDS, KnownDevice
from central.ingest.store import store, synced_case, synced_digests, upsert
from central.models import Case, CaseStatus, Origin
from protocol import envelope, topics
from protocol.acks import open_ack
from protocol.keys import CityPrivateKey
from protocol.messages import SubmissionBody, Ticket
from testbed.broker import Broker
from testbed.households import citizen
from testbed.processes import Service
from testbed.services import ROOT, central_url, issue_token
from testbed.simulated import SimulatedDevice
from tests.spine.helpers import case_ids, count_cases, publish, reject_reasons, wait_until


def contains(sid: str, workdir: Path) -> bool:
    return sid in case_ids(workdir)


def device(tmp_path: Path, central: Service) -> SimulatedDevice:
    return SimulatedDevice.enrol(central_url(central), issue_token(tmp_path))


async def test_every_envelope_republished_three_times_is_stored_once(
    tmp_path: Path, broker: Broker, central: Service
) -> None:
    unit = device(tmp_path, central)
    rng = random.Random(1)
    sealed = [unit.seal(citizen(rng, n)) for n in range(50)]
    topic = topics.submissions(unit.device_id)
    await publish(broker, [(topic, wire) for _ in range(3) for _, wire in sealed])
    wait_until(lambda: count_cases(tmp_path)[0] == 50, what="50 cases")
    await publish(broker, [(topic, wire) for _, wire in sealed[:5]])
    assert count_cases(tmp_path) == (50, 50)
    assert case_ids(tmp_path) == {sid for sid, _ in sealed}


async def test_central_acks_committed_submissions(tmp_path: Path, central: Service) -> None:
    unit = device(tmp_path, central)
    sid, wire = unit.seal(citizen(random.Random(2), 1))
    central_key = ed25519.Ed25519PublicKey.from_public_bytes(unit.central_key)
    async with unit.client(tmp_path / "unit") as client:  # as the unit: its certificate, its own topics
        await client.subscribe(topics.acks(unit.device_id), qos=1)
        await client.publish(topics.submissions(unit.device_id), wire, qos=1)
        async for message in client.messages:
            assert isinstance(message.payload, bytes)
            assert open_ack(message.payload, unit.device_id, central_key) == [sid], "signed by central"
            break
    assert sid in case_ids(tmp_path)


def forged_cases(tmp_path: Path, central: Service) -> tuple[SimulatedDevice, list[tuple[str, str, bytes]]]:
    """One (expected reason, topic, payload) per rejection class."""
    unit = device(tmp_path, central)
    other = device(tmp_path, central)
    rng = random.Random(3)
    topic = topics.submissions(unit.device_id)
    cases: list[tuple[str, str, bytes]] = []

    stranger = SimulatedDevice(
        "cu-stranger", unit.office_id, unit.city, ed25519.Ed25519PrivateKey.generate(), unit.central_key
    )
    cases.append(("unknown_device", topics.submissions("cu-stranger"), stranger.seal(citizen(rng, 1))[1]))

    cases.append(("device_mismatch", topics.submissions(other.device_id), unit.seal(citizen(rng, 2))[1]))

    _, wire = unit.seal(citizen(rng, 3), signer=ed25519.Ed25519PrivateKey.generate())
    cases.append(("bad_signature", topic, wire))

    wrong_city = CityPrivateKey.generate().public
    cases.append(("wrong_key", topic, unit.seal(citizen(rng, 4), city=wrong_city)[1]))

    _, wire = unit.seal(citizen(rng, 5))
    header = envelope.parse(wire).header
    tampered = envelope.Header(
        header.device_id,
        header.submission_id,
        header.seq,
        header.created_at_ms,
        header.key_id,
        header.sealed[:-1] + bytes([header.sealed[-1] ^ 1]),
    )
    cases.append(("undecryptable", topic, resign(tampered, unit.signer)))

    cases.append(("oversized", topic, b"\x01" + b"\x00" * (envelope.MAX_ENVELOPE_BYTES + 1)))
    cases.append(("unknown_version", topic, b"\x07" + wire[1:]))
    cases.append(("malformed", topic, b"\x01not msgpack at all" + b"\x00" * 64))

    sid, original = unit.seal(citizen(rng, 6))
    _, conflicting = unit.seal(citizen(rng, 7), submission_id=uuid.UUID(sid))
    cases.append(("accepted", topic, original))
    cases.append(("conflict", topic, conflicting))
    return unit, cases


def resign(header: envelope.Header, signer: ed25519.Ed25519PrivateKey) -> bytes:
    unsigned = bytes([envelope.VERSION]) + msgspec.msgpack.encode(header)
    return unsigned + signer.sign(envelope.SIGN_DOMAIN + unsigned)


async def test_each_rejection_class_is_recorded_and_ingest_continues(
    tmp_path: Path, broker: Broker, central: Service
) -> None:
    unit, cases = forged_cases(tmp_path, central)
    for expected, topic, payload in cases:
        before = Counter(reject_reasons(tmp_path))
        await publish(broker, [(topic, payload)])
        sid, good = unit.seal(citizen(random.Random(), 100))
        await publish(broker, [(topics.submissions(unit.device_id), good)])
        wait_until(partial(contains, sid, tmp_path), what=f"a good case after {expected}")
        if (
            expected != "accepted"
        ):  # the two may land in different ingest workers: count, don't read the last row
            wait_until(
                lambda: Counter(reject_reasons(tmp_path)) - before == Counter([expected]),  # noqa: B023
                what=f"the {expected} rejection",
            )


def test_revoked_device_is_refused(tmp_path: Path, broker: Broker, central: Service) -> None:
    unit = device(tmp_path, central)
    argv = ["provision", "revoke", "--central-data", str(tmp_path / "central"), unit.device_id]
    subprocess.run([sys.executable, "-m", "madoguchi", *argv], check=True, cwd=ROOT, capture_output=True)
    rng = random.Random(1)

    def refused_now() -> bool:  # another process revoked it: ingest sees it at its next registry refresh
        sealed = unit.seal(citizen(rng, 1))[1]
        asyncio.run(publish(broker, [(topics.submissions(unit.device_id), sealed)]))
        return "revoked_device" in reject_reasons(tmp_path)

    wait_until(refused_now, timeout=REFRESH_SECONDS * 10, what="revocation to be enforced")
    accepted = count_cases(tmp_path)
    refusals = reject_reasons(tmp_path).count("revoked_device")
    asyncio.run(publish(broker, [(topics.submissions(unit.device_id), unit.seal(citizen(rng, 2))[1])]))
    wait_until(
        lambda: reject_reasons(tmp_path).count("revoked_device") > refusals,
        what="the next envelope refused too",
    )
    assert count_cases(tmp_path) == accepted, "nothing is stored once ingest knows of the revocation"


def ingest_workers(central: Service) -> set[int]:
    """Pids of central's ingest worker processes (its spawned children, not the resource tracker)."""
    assert central.process is not None
    root = Path("/proc") / str(central.process.pid) / "task" / str(central.process.pid) / "children"
    pids = {int(pid) for pid in root.read_text().split()}
    return {
        pid
        for pid in pids
        if b"spawn_main" in (cmdline := Path(f"/proc/{pid}/cmdline").read_bytes())
        and b"resource_tracker" not in cmdline
    }


async def test_a_dead_ingest_worker_is_restarted_and_nothing_is_lost(
    tmp_path: Path, broker: Broker, central: Service
) -> None:
    unit = device(tmp_path, central)
    rng = random.Random(4)
    topic = topics.submissions(unit.device_id)
    first = [unit.seal(citizen(rng, n)) for n in range(20)]
    await publish(broker, [(topic, wire) for _, wire in first])
    wait_until(lambda: count_cases(tmp_path)[0] == 20, what="the first 20 cases")
    workers = ingest_workers(central)
    assert len(workers) >= 1
    victim = min(workers)
    os.kill(victim, signal.SIGKILL)
    wait_until(lambda: victim not in ingest_workers(central), what="the worker to die")
    # the broker keeps the dead worker's share for its session; the restarted worker takes it up
    later = [unit.seal(citizen(rng, n)) for n in range(20, 40)]
    await publish(broker, [(topic, wire) for _, wire in later])
    wait_until(lambda: len(ingest_workers(central)) == len(workers), what="a replacement worker")
    wait_until(lambda: count_cases(tmp_path) == (40, 40), what="all 40 cases")
    assert case_ids(tmp_path) == {sid for sid, _ in first + later}


def synced_row(sid: str, name: str, digest: bytes) -> dict[str, object]:
    """A case row as ingest writes it."""
    now = datetime.now(UTC)
    body = SubmissionBody(citizen(random.Random(name), 1), Ticket("A001", "honcho", now.isoformat()))
    return synced_case(
        sid, KnownDevice("cu-1", "honcho", b"", revoked=False), 1, body, now, now, (digest, digest)
    )


def check_the_store_statement(db_url: str) -> None:
    """New ids are stored; a QR-opened case gets only the sync columns; a synced case is never overwritten,
    and a reused id with other content comes back as a conflict."""
    engine = make_engine(db_url)
    table = Case.__table__  # type: ignore[attr-defined]
    statement = upsert(engine)
    new, opened = str(uuid.uuid4()), str(uuid.uuid4())
    staff_facts = '{"corrected": "by staff"}'
    counter_row = synced_row(opened, "qr", b"") | {
        "origin": Origin.QR,
        "status": CaseStatus.IN_PROGRESS,
        "prepared_at": datetime.now(UTC),
        "facts": staff_facts,
        "seq": None,
        "received_at": None,
        "envelope_sha256": None,
        "body_sha256": None,
    }
    with engine.begin() as conn:
        conn.execute(insert(table), [counter_row])
        both = [synced_row(new, "a", b"1" * 32), synced_row(opened, "b", b"2" * 32)]
        assert store(conn, statement, both) == set(), "both stored"
    with engine.begin() as conn:
        assert store(conn, statement, [synced_row(new, "a", b"1" * 32)]) == set(), "a replay is no conflict"
        assert store(conn, statement, [synced_row(new, "c", b"3" * 32)]) == {new}, "a reused id is"
        assert synced_digests(conn, [new, opened]) == {
            new: (b"1" * 32, b"1" * 32),
            opened: (b"2" * 32, b"2" * 32),
        }
        row = conn.execute(select(table).where(table.c.id == opened)).one()
    assert (row.origin, row.status, row.facts, row.seq) == (Origin.QR, CaseStatus.IN_PROGRESS, staff_facts, 1)
    assert row.received_at is not None
    engine.dispose()


def test_the_store_statement_on_sqlite(tmp_path: Path) -> None:
    check_the_store_statement(f"sqlite:///{tmp_path / 'central.db'}")
