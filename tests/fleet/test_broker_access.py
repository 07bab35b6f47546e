"""The generated broker configuration on a real Mosquitto: who may connect, and what each may publish, read.

Denied publishes and subscriptions are silent in MQTT 3.1.1 (the broker acks and drops them), so each test
sends the forbidden traffic first and then something allowed on the same connection: the broker handles one
connection's packets in order, so once the allowed message arrives, the forbidden one would have arrived
before it.
"""

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiomqtt

from central.fleet.ca_store import CityCA, Credentials
from central.fleet.eviction import probe
from protocol import topics
from tests.fleet.tls_broker import OBSERVER, TlsBroker, client, unit_credentials, write_credentials

SUBACK_FAILURE = 0x80
CLOSED = {"ConnectionResetError", "IncompleteReadError"}
"""The broker sends a TLS alert and closes; the client reads the alert, or only sees the connection go."""


async def next_message(receiver: aiomqtt.Client) -> aiomqtt.Message:
    """The next message for receiver, failing the test if none comes within 10 s."""
    async with asyncio.timeout(10):
        return await anext(receiver.messages)


async def granted(subscriber: aiomqtt.Client, topic: str) -> list[int]:
    """The QoS the broker granted for one QoS 1 subscription, or 0x80: refused."""
    return [
        code if isinstance(code, int) else code.value for code in await subscriber.subscribe(topic, qos=1)
    ]


def files_for(tmp_path: Path, name: str, credentials: Credentials) -> tuple[Path, Path]:
    return write_credentials(tmp_path / "keys", name, credentials)


async def test_a_unit_connects_with_its_certificate_and_nobody_without_one(
    fleet_broker: TlsBroker, authority: CityCA, tmp_path: Path
) -> None:
    address, ca_pem = fleet_broker.address, authority.cert_pem
    assert (await probe(address, ca_pem, unit_credentials(authority, "cu-a"), "cu-a")).accepted

    no_certificate = await probe(address, ca_pem, None, "cu-a")
    assert not no_certificate.accepted
    assert no_certificate.reason in {"TLSV13_ALERT_CERTIFICATE_REQUIRED", *CLOSED}

    stranger = CityCA.load_or_create(tmp_path / "another-city")
    other_ca = await probe(address, ca_pem, unit_credentials(stranger, "cu-a"), "cu-a")
    assert not other_ca.accepted
    assert other_ca.reason in {"TLSV1_ALERT_UNKNOWN_CA", *CLOSED}

    two_years_ago = datetime.now(UTC) - timedelta(days=730)
    expired = await probe(address, ca_pem, unit_credentials(authority, "cu-a", now=two_years_ago), "cu-a")
    assert not expired.accepted
    assert expired.reason in {"SSLV3_ALERT_CERTIFICATE_EXPIRED", *CLOSED}

    broker_cert_as_client = authority.issue_broker(["127.0.0.1"])  # serverAuth only
    assert not (await probe(address, ca_pem, broker_cert_as_client, "cu-a")).accepted


async def test_a_unit_publishes_only_on_its_own_topics(
    fleet_broker: TlsBroker, authority: CityCA, tmp_path: Path
) -> None:
    observer = files_for(tmp_path, OBSERVER, unit_credentials(authority, OBSERVER))
    unit_a = files_for(tmp_path, "cu-a", unit_credentials(authority, "cu-a"))
    forged = [
        topics.submissions("cu-b"),
        topics.status("cu-b"),
        topics.device_queue("cu-b"),
        topics.acks("cu-a"),
        topics.acks("cu-b"),
        topics.config("cu-a"),
        topics.commands("cu-a"),
        topics.office_queue("honcho"),
        f"{topics.PREFIX}/anything",
    ]
    async with client(fleet_broker, OBSERVER, observer) as watcher, client(fleet_broker, "cu-a", unit_a) as a:
        await watcher.subscribe("#", qos=1)
        for topic in forged:
            await a.publish(topic, b"forged", qos=1)
        for topic in (topics.submissions("cu-a"), topics.status("cu-a"), topics.device_queue("cu-a")):
            await a.publish(topic, b"mine", qos=1)
            message = await next_message(watcher)
            assert (message.topic.value, message.payload) == (topic, b"mine")


async def test_a_unit_reads_only_its_own_topics_and_central_gets_every_submission(
    fleet_broker: TlsBroker, authority: CityCA, tmp_path: Path
) -> None:
    ingest = files_for(tmp_path, "central-ingest-0", authority.issue_central("central-ingest-0"))
    publisher = files_for(tmp_path, "central-publisher", authority.issue_central("central-publisher"))
    unit_a = files_for(tmp_path, "cu-a", unit_credentials(authority, "cu-a"))
    unit_b = files_for(tmp_path, "cu-b", unit_credentials(authority, "cu-b"))
    async with (
        client(fleet_broker, "central-ingest-0", ingest) as central,
        client(fleet_broker, "central-publisher", publisher) as pusher,
        client(fleet_broker, "cu-a", unit_a) as a,
        client(fleet_broker, "cu-b", unit_b) as b,
    ):
        assert await granted(central, topics.ALL_SUBMISSIONS) == [1]
        for wide in (
            topics.ALL_SUBMISSIONS,
            topics.submissions("+"),
            topics.submissions("cu-b"),
            "#",
            f"{topics.PREFIX}/#",
            topics.acks("cu-b"),
            topics.office_queue("shisho"),
            topics.office_queue("+"),
        ):
            assert await granted(a, wide) == [SUBACK_FAILURE], wide
        own = [
            topics.acks("cu-a"),
            topics.config("cu-a"),
            topics.commands("cu-a"),
            topics.office_queue("honcho"),
        ]
        for topic in own:
            assert await granted(a, topic) == [1], topic

        sent = [
            (sender, unit_id, f"{unit_id} envelope {n}".encode())
            for n in range(3)
            for sender, unit_id in ((a, "cu-a"), (b, "cu-b"))
        ]
        for sender, unit_id, payload in sent:
            await sender.publish(topics.submissions(unit_id), payload, qos=1)
        received = [(await next_message(central)).payload for _ in sent]
        assert sorted(received) == sorted(payload for _, _, payload in sent)  # none went to cu-a's "share"

        for topic in own:
            await pusher.publish(topic, b"for a", qos=1)
            message = await next_message(a)
            assert (message.topic.value, message.payload) == (topic, b"for a")


async def test_nobody_but_central_connects_as_central(
    fleet_broker: TlsBroker, authority: CityCA, tmp_path: Path
) -> None:
    ingest = files_for(tmp_path, "central-ingest-0", authority.issue_central("central-ingest-0"))
    unit_a = files_for(tmp_path, "cu-a", unit_credentials(authority, "cu-a"))
    unit_b = files_for(tmp_path, "cu-b", unit_credentials(authority, "cu-b"))
    async with client(fleet_broker, "central-ingest-0", ingest, clean_session=False) as central:
        await central.subscribe(topics.ALL_SUBMISSIONS, qos=1)
        async with (
            client(fleet_broker, "central-ingest-0", unit_a, clean_session=False) as impostor,
            client(fleet_broker, "cu-b", unit_b) as b,
        ):
            assert await granted(impostor, topics.ALL_SUBMISSIONS) == [SUBACK_FAILURE]
            await b.publish(topics.submissions("cu-b"), b"envelope", qos=1)
            message = await next_message(central)  # central's session and connection survived the impostor
            assert message.payload == b"envelope"
        log = (fleet_broker.workdir / "mosquitto.log").read_text()
        assert "as cu-a (" in log
        assert log.count("as central-ingest-0 (") == 1
