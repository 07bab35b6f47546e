"""Revocation on a real Mosquitto 2.0: the CRL takes effect on SIGHUP, a connected unit is pushed off and
stays off, the other clients stay connected, and units are added and removed on the running broker."""

import asyncio
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiomqtt
import pytest
from cryptography.hazmat.primitives import serialization

from central.fleet import ca
from central.fleet.broker_admin import BrokerAdmin, BrokerAdminError
from central.fleet.ca_store import CityCA, Credentials
from central.fleet.dynsec import EnrolledUnit
from central.fleet.eviction import evict as evict_unit
from central.fleet.eviction import probe
from protocol import topics
from protocol.mqtt import TlsFiles
from protocol.urls import BrokerAddress
from provisioning.mosquitto import CRL_FILE, write_crl
from tests.fleet.conftest import CENTRAL, UNITS
from tests.fleet.test_broker_access import next_message
from tests.fleet.tls_broker import HOST, TlsBroker, client, unit_credentials, write_credentials


async def refused_soon(broker: TlsBroker, authority: CityCA, holder: Credentials, unit_id: str) -> str:
    """Wait (10 s at most) until the broker refuses holder's certificate; returns why."""
    deadline = time.monotonic() + 10
    while (answer := await probe(broker.address, authority.cert_pem, holder, unit_id)).accepted:
        assert time.monotonic() < deadline, f"the broker still accepts {unit_id}"
        await asyncio.sleep(0.05)
    return answer.reason


async def apply_crl_to(broker: TlsBroker) -> None:
    write_crl(broker.authority, broker.out)
    broker.reload()


async def test_a_revoked_certificate_is_refused_once_the_broker_reloads(
    fleet_broker: TlsBroker, authority: CityCA
) -> None:
    unit_a, unit_b = unit_credentials(authority, "cu-a"), unit_credentials(authority, "cu-b")
    assert (await probe(fleet_broker.address, authority.cert_pem, unit_a, "cu-a")).accepted

    authority.revoke("cu-a")
    write_crl(authority, fleet_broker.out)
    assert (await probe(fleet_broker.address, authority.cert_pem, unit_a, "cu-a")).accepted  # not yet re-read

    fleet_broker.reload()
    assert await refused_soon(fleet_broker, authority, unit_a, "cu-a") != "accepted"

    authority.revoke("cu-b")  # within the same second: the newer CRL must still win (ca.build_crl)
    await apply_crl_to(fleet_broker)
    await refused_soon(fleet_broker, authority, unit_b, "cu-b")
    assert (
        await probe(fleet_broker.address, authority.cert_pem, unit_credentials(authority, "cu-c"), "cu-c")
    ).accepted


async def test_eviction_drops_a_connected_unit_for_good_and_nobody_else(
    fleet_broker: TlsBroker, authority: CityCA, tmp_path: Path
) -> None:
    unit_a = unit_credentials(authority, "cu-a")
    files_a = write_credentials(tmp_path / "keys", "cu-a", unit_a)
    files_b = write_credentials(tmp_path / "keys", "cu-b", unit_credentials(authority, "cu-b"))
    publisher = write_credentials(tmp_path / "keys", "pub", authority.issue_central("central-publisher"))
    async with (
        client(fleet_broker, "cu-a", files_a) as a,
        client(fleet_broker, "cu-b", files_b) as b,
        client(fleet_broker, "central-publisher", publisher) as pusher,
    ):
        await a.subscribe(topics.acks("cu-a"), qos=1)
        await b.subscribe(topics.acks("cu-b"), qos=1)

        async def apply_crl() -> None:
            await apply_crl_to(fleet_broker)

        revoked = await evict_unit(
            authority, "cu-a", fleet_broker.address, lambda: apply_crl_to(fleet_broker)
        )

        with pytest.raises(aiomqtt.MqttError):
            await next_message(a)  # the broker dropped cu-a's connection
        await pusher.publish(topics.acks("cu-b"), b"still here", qos=1)
        assert (await next_message(b)).payload == b"still here"  # two reloads later, cu-b is connected

    assert await refused_soon(fleet_broker, authority, unit_a, "cu-a") != "accepted"
    issued = {item.serial: item for item in authority.certificates()}
    assert all(issued[number].revoked_at for number in revoked)
    takeovers = [item for item in issued.values() if item.kind == "takeover"]
    assert len(takeovers) == 1
    assert takeovers[0].identity == "cu-a"
    assert takeovers[0].revoked_at is not None


async def test_units_are_added_and_removed_on_the_running_broker(
    fleet_broker: TlsBroker, authority: CityCA, tmp_path: Path
) -> None:
    keys = tmp_path / "keys"
    admin_files = write_credentials(keys, "central-admin", authority.issue_central("central-admin"))
    ingest = write_credentials(keys, "ingest", authority.issue_central("central-ingest-0"))
    newcomer = write_credentials(keys, "cu-d", unit_credentials(authority, "cu-d"))
    unit_a = write_credentials(keys, "cu-a", unit_credentials(authority, "cu-a"))
    (keys / "ca.pem").write_bytes(authority.cert_pem)
    admin = BrokerAdmin(
        BrokerAddress(HOST, fleet_broker.port, tls=True), TlsFiles(keys / "ca.pem", *admin_files)
    )
    async with (
        client(fleet_broker, "central-ingest-0", ingest) as central,
        client(fleet_broker, "cu-a", unit_a) as a,
    ):
        await central.subscribe(topics.ALL_SUBMISSIONS, qos=1)
        await a.subscribe(topics.acks("cu-a"), qos=1)

        await admin.admit(EnrolledUnit("cu-d", "shisho"))
        await admin.admit(EnrolledUnit("cu-d", "shisho"))  # asked twice (a retried enrolment): no error
        async with client(fleet_broker, "cu-d", newcomer) as d:
            await d.publish(topics.submissions("cu-d"), b"first case", qos=1)
            assert (await next_message(central)).payload == b"first case"

        await admin.remove("cu-a")
        with pytest.raises(aiomqtt.MqttError):
            await next_message(a)  # dropped at once by the plugin
        await admin.remove("cu-a")  # already gone: no error
    with pytest.raises(BrokerAdminError, match="Role not found"):
        await admin.send([{"command": "deleteRole", "rolename": "unit-nobody"}])


async def test_a_crl_past_its_next_update_locks_every_unit_out(tmp_path: Path, authority: CityCA) -> None:
    broker = TlsBroker(tmp_path / "broker", authority)
    broker.write(UNITS, CENTRAL)
    long_ago = datetime.now(UTC) - ca.CRL_VALIDITY - timedelta(days=1)
    stale = ca.build_crl(authority._key, authority.cert, [], 1, long_ago)  # a CRL central never signs
    (broker.out / CRL_FILE).write_bytes(stale.public_bytes(serialization.Encoding.PEM))
    broker.start()
    try:
        answer = await probe(broker.address, authority.cert_pem, unit_credentials(authority, "cu-a"), "cu-a")
        assert not answer.accepted
    finally:
        broker.stop()
