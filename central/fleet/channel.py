"""Central's fleet loop: sign and publish each unit's configuration and IT's commands, read the units' status,
keep the counter keys current, and halt a failing rollout.

Every ROUND_SECONDS the loop compares what each unit should have (its target version, the current counter
key) with what is retained on its config topic, and publishes a newly signed document where they differ; a
revoked unit's retained configuration is cleared, so its counter key does not stay on the broker. Commands
IT queued (`provision command`) are signed as they leave, each with a fresh id and expiry. Status
heartbeats (retained, with the last will "offline") arrive on central's publishing session and are kept per
unit for the fleet console and the rollout's halting rule. The provisioning CLI only writes the database, so
central alone holds the signing key and the broker session.
"""

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime

import msgspec
from cryptography.hazmat.primitives.asymmetric import ed25519
from litestar.datastructures import State
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from central.background import Loop
from central.fleet.counter_keys import CounterKeys, load_counter_keys
from central.fleet.publisher import CentralPublisher, OnMessage
from central.fleet.rollout import channel, halt_if_failing, settings_of
from central.fleet.tables import PendingCommand, UnitChannel
from central.models import Device
from protocol import topics
from protocol.config import COMMANDS, ConfigDocument, new_command, sign_command, sign_config
from protocol.messages import Status

log = logging.getLogger(__name__)
ROUND_SECONDS = 2.0
YIELD_TO_INGEST = 30.0
"""While units drain a backlog, acking it comes first: the loop's rounds wait up to this many seconds."""
MAX_STATUS_BYTES = 16 * 1024
CLEARED = "cleared"


@dataclass(frozen=True, slots=True)
class Push:
    """A message for one unit's topic, and what to record once the broker has it."""

    device_id: str
    topic: str
    payload: bytes
    marker: str
    issued_ms: int = 0
    command_row: int | None = None
    command_id: str = ""


def _now_ms() -> int:
    return int(time.time() * 1000)


def due_configs(engine: Engine, keys: CounterKeys, signer: ed25519.Ed25519PrivateKey) -> list[Push]:
    """Signed configurations for units whose retained one is not what they should have, and empty payloads
    that clear a revoked unit's."""
    pushes = []
    key_id = keys.current.key_id.hex()
    with Session(engine) as session:
        for device in session.exec(select(Device).order_by(col(Device.id))).all():
            if device.revoked_at is not None:
                row = session.get(UnitChannel, device.id)
                if row is not None and row.published not in ("", CLEARED):
                    pushes.append(Push(device.id, topics.config(device.id), b"", CLEARED))
                continue
            row = channel(session, device.id)
            marker = f"{row.target_version}:{key_id}"
            if row.published == marker:
                continue
            issued = max(_now_ms(), row.published_ms + 1)
            document = ConfigDocument(
                v=1,
                device_id=device.id,
                version=row.target_version,
                issued_ms=issued,
                profile=device.profile,
                counter_key=keys.current.raw,
                settings=settings_of(session, row.target_version),
            )
            pushes.append(
                Push(device.id, topics.config(device.id), sign_config(signer, document), marker, issued)
            )
        session.commit()
    return pushes


def due_commands(engine: Engine, signer: ed25519.Ed25519PrivateKey) -> list[Push]:
    """IT's queued commands, signed now (each with a fresh id and expiry); one for a unit revoked meanwhile
    is dropped (marked sent, with no id)."""
    with Session(engine) as session:
        rows = session.exec(
            select(PendingCommand)
            .where(col(PendingCommand.sent_at).is_(None))
            .order_by(col(PendingCommand.id))
        ).all()
        pushes = []
        for row in rows:
            device = session.get(Device, row.device_id)
            if device is None or device.revoked_at is not None:
                row.sent_at = datetime.now(UTC)
                continue
            if row.name not in COMMANDS:  # queue_command admits none: a hand-edited row is skipped
                continue
            command = new_command(row.device_id, row.name, _now_ms())
            payload = sign_command(signer, command)
            pushes.append(
                Push(row.device_id, topics.commands(row.device_id), payload, "", 0, row.id, command.id)
            )
        session.commit()
        return pushes


def record(engine: Engine, push: Push) -> None:
    """The broker has it: remember what is retained, or that the command went."""
    with Session(engine) as session:
        if push.command_row is not None:
            command = session.get(PendingCommand, push.command_row)
            if command is not None:
                command.sent_at, command.command_id = datetime.now(UTC), push.command_id
        else:
            row = session.get(UnitChannel, push.device_id)
            if row is not None:
                row.published = push.marker
                row.published_ms = push.issued_ms or row.published_ms
        session.commit()


def queue_command(engine: Engine, device_id: str, name: str, requested_by: str) -> PendingCommand:
    """Queue a command for an enrolled, unrevoked unit (KeyError: no such unit; ValueError: no such name)."""
    if name not in COMMANDS:
        raise ValueError(f"unknown command {name!r}: one of {', '.join(COMMANDS)}")
    with Session(engine) as session:
        device = session.get(Device, device_id)
        if device is None or device.revoked_at is not None:
            raise KeyError(device_id)
        row = PendingCommand(
            device_id=device_id, name=name, requested_at=datetime.now(UTC), requested_by=requested_by
        )
        session.add(row)
        session.commit()
        session.refresh(row)
        return row


def record_status(engine: Engine, topic: str, payload: bytes, now: datetime) -> None:
    """Keep an enrolled unit's status heartbeat (or its last will); anything else is dropped unread."""
    device_id = topics.device_of(topic)
    if device_id is None or not payload or len(payload) > MAX_STATUS_BYTES:
        return
    try:
        status = msgspec.json.decode(payload, type=Status)
    except msgspec.DecodeError:
        return
    with Session(engine) as session:
        if session.get(Device, device_id) is None:
            return
        row = channel(session, device_id)
        before = msgspec.json.decode(row.status, type=Status).outbox_depth if row.status else 0
        if status.state == "online" or not row.status:  # the last will keeps what the unit said last
            row.status = payload.decode()
        if status.state == "online":
            row.online, row.last_heartbeat, row.offline_since = True, now, None
            if status.outbox_depth == 0 or status.outbox_depth < before:
                row.backlog_since = None
            elif row.backlog_since is None:
                row.backlog_since = now
        elif row.online or row.offline_since is None:
            row.online, row.offline_since = False, now
        session.commit()


async def _send(publisher: CentralPublisher, engine: Engine, pushes: list[Push], retain: bool) -> None:
    for push in pushes:
        await publisher.publish(push.topic, push.payload, retain=retain)
        await asyncio.to_thread(record, engine, push)


@contextlib.asynccontextmanager
async def fleet_loops(state: State) -> AsyncIterator[list[Loop]]:
    """The fleet loop (counter keys always; pushes and rollouts when central has a broker)."""
    engine: Engine = state.engine
    publisher: CentralPublisher | None = state.get("publisher")

    async def step() -> None:
        keys = await asyncio.to_thread(load_counter_keys, state.settings.data_dir)
        state.counter_key, state.counter_keys = keys.current, keys.usable
        if publisher is None:
            return
        await _send(
            publisher, engine, await asyncio.to_thread(due_configs, engine, keys, state.signing_key), True
        )
        await _send(
            publisher, engine, await asyncio.to_thread(due_commands, engine, state.signing_key), False
        )
        halted = await asyncio.to_thread(halt_if_failing, engine, datetime.now(UTC))
        if halted:
            log.warning("rollout halted: %s", halted)

    yield [Loop("fleet configuration", ROUND_SECONDS, step, max_defer=YIELD_TO_INGEST)]


def status_reader(engine: Engine) -> OnMessage:
    """The handler central's publishing session gives each status heartbeat it follows (topics.ALL_STATUS)."""

    async def read(topic: str, payload: bytes) -> None:
        await asyncio.to_thread(record_status, engine, topic, payload, datetime.now(UTC))

    return read
