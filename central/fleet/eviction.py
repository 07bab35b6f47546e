"""Revoking a unit on the broker now: refuse its certificate from the next connection on, and drop the
connection it has.

Mosquitto checks certificates only when a client connects, and it re-reads the CRL (and the ACL) on SIGHUP,
so `evict` revokes the unit's certificates and has the broker re-read the CRL; then it connects once with a
ten-minute certificate carrying the unit's identity. The broker uses the certificate's CN as the client id
(`use_username_as_clientid`), so this connection takes the unit's client id over and the broker drops the
unit's connection; the unit cannot come back. The one-off certificate is revoked at once, and `evict` returns
only when the broker refuses it, which proves the broker runs on the new CRL.

The one-off key lives in a private temporary directory for the seconds it is used; nothing here logs keys.
"""

import asyncio
import contextlib
import ssl
import struct
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509

from central.fleet.ca_store import CityCA, Credentials
from protocol.secret_file import write_secret_file

CONNACK_ACCEPTED = b"\x20\x02"
DISCONNECT = b"\xe0\x00"
REFUSAL_TIMEOUT = 10.0

ApplyCrl = Callable[[], Awaitable[None]]
"""Put the CA's current CRL (and an ACL without revoked units) where the broker reads them, and have the
broker re-read them (SIGHUP: `systemctl reload mosquitto`)."""


class EvictionIncomplete(RuntimeError):  # noqa: N818 - reads as the outcome at the call site
    """The unit could not be pushed off, or the broker still accepts a revoked certificate."""


@dataclass(frozen=True, slots=True)
class BrokerAddress:
    """Where the broker listens, and the name its server certificate carries for that address."""

    host: str
    port: int
    server_name: str | None = None


@dataclass(frozen=True, slots=True)
class Probe:
    """What the broker said to one MQTT connection attempt."""

    accepted: bool
    reason: str
    """"accepted", the TLS alert that refused us (e.g. SSLV3_ALERT_CERTIFICATE_REVOKED), or what failed."""


def connect_packet(client_id: str) -> bytes:
    """An MQTT 3.1.1 CONNECT with a clean session, no will, no credentials and a 60 s keep-alive."""
    identifier = client_id.encode()
    body = b"\x00\x04MQTT\x04\x02\x00\x3c" + struct.pack("!H", len(identifier)) + identifier
    if len(body) > 127:
        raise ValueError("client id too long for a one-byte remaining length")
    return bytes([0x10, len(body)]) + body


async def probe(broker: BrokerAddress, ca_pem: bytes, client: Credentials | None, client_id: str) -> Probe:
    """Connect once over TLS as client (or with no certificate), send CONNECT, read CONNACK, disconnect."""
    context = ssl.create_default_context(cadata=ca_pem.decode())
    with tempfile.TemporaryDirectory(prefix="madoguchi-probe-") as private:
        if client is not None:
            cert, key = Path(private) / "client.pem", Path(private) / "client.key"
            write_secret_file(cert, client.cert_pem)
            write_secret_file(key, client.key_pem)
            context.load_cert_chain(cert, key)
    try:
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection(
                broker.host, broker.port, ssl=context, server_hostname=broker.server_name or broker.host
            ),
            REFUSAL_TIMEOUT,
        )
    except (OSError, TimeoutError) as exc:
        return Probe(False, _reason(exc))
    try:
        writer.write(connect_packet(client_id))
        await writer.drain()
        answer = await asyncio.wait_for(reader.readexactly(4), REFUSAL_TIMEOUT)
        accepted = answer[:2] == CONNACK_ACCEPTED and answer[3] == 0
        if accepted:
            writer.write(DISCONNECT)
            await writer.drain()
        return Probe(accepted, "accepted" if accepted else f"CONNACK {answer.hex()}")
    except (OSError, TimeoutError, asyncio.IncompleteReadError) as exc:
        return Probe(False, _reason(exc))
    finally:
        writer.close()
        await _closed(writer)


async def _closed(writer: asyncio.StreamWriter) -> None:
    with contextlib.suppress(OSError):  # the broker ended the TLS session first; it is closed either way
        await writer.wait_closed()


def _reason(exc: BaseException) -> str:
    if isinstance(exc, ssl.SSLError) and exc.reason:
        return str(exc.reason)
    return type(exc).__name__


async def evict(authority: CityCA, unit_id: str, broker: BrokerAddress, apply_crl: ApplyCrl) -> list[int]:
    """Revoke every certificate of unit_id, drop its connection now, and keep it out; returns the serials.

    Raises EvictionIncomplete if the takeover connection failed (the unit may still be connected: call
    again) or the broker still accepts a revoked certificate once the CRL is applied.
    """
    revoked = authority.revoke(unit_id)
    await apply_crl()
    one_off = authority.issue_takeover(unit_id)
    try:
        takeover = await probe(broker, authority.cert_pem, one_off, unit_id)
    finally:
        authority.revoke_serial(x509.load_pem_x509_certificate(one_off.cert_pem).serial_number)
        await apply_crl()
    if not takeover.accepted:
        raise EvictionIncomplete(f"could not connect as {unit_id} to drop it: {takeover.reason}")
    deadline = time.monotonic() + REFUSAL_TIMEOUT
    while (await probe(broker, authority.cert_pem, one_off, unit_id)).accepted:
        if time.monotonic() > deadline:
            raise EvictionIncomplete(f"the broker still accepts revoked certificates for {unit_id}")
        await asyncio.sleep(0.1)
    return revoked
