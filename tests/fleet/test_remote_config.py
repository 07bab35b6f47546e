"""Remote configuration, staged rollouts and signed commands on the running system: central and real units on
the city's mutual-TLS broker, IT's `provision` commands, and forgeries published by an identity that got past
the broker (so what is tested is the unit's own signature check)."""

import asyncio
import random
import re
import signal
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import msgspec
import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519

from central.fleet.grants import issue_token
from central.keys import SIGNING_KEY_FILE
from edge_agent.hardware.printer.emulator import VirtualPrinter
from protocol import topics
from protocol.config import ConfigDocument, UnitSettings, new_command, sign_command, sign_config
from testbed.households import citizen, facts_json
from testbed.processes import Service
from testbed.services import EMULATED_PROFILE, MADOGUCHI, ROOT, edge_service
from tests.fleet.conftest import City
from tests.spine.helpers import publish, wait_until


def provision(city: City, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """`madoguchi provision ARGS --central-data ...`."""
    argv = [*MADOGUCHI, "provision", *args, "--central-data", str(city.data_dir)]
    done = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    if check:
        assert done.returncode == 0, done.stderr
    return done


def health(unit: Service) -> dict[str, Any]:
    answer: dict[str, Any] = httpx.get(unit.health_url, timeout=10).json()
    return answer


def fleet(unit: Service) -> dict[str, Any]:
    """What the unit reports about its configuration and commands (as its heartbeat does)."""
    report: dict[str, Any] = health(unit)["fleet"]
    return report


def ticket(unit: Service) -> str:
    created = httpx.post(
        f"{unit.base_url}/api/submissions",
        content=facts_json(citizen(random.Random(5), 5)),
        headers={"content-type": "application/json"},
        timeout=30,
    )
    assert created.status_code == 201, created.text
    return str(created.json()["ticket"])


@pytest.fixture
def start_unit(city: City, tmp_path: Path) -> Iterator[Callable[..., Service]]:
    """Start enrolled units (stopped at the end), each once central's first configuration reached it."""
    started: list[Service] = []

    def start(name: str, profile: Path = EMULATED_PROFILE) -> Service:
        token = issue_token(city.engine, "honcho")
        unit = edge_service(tmp_path, city.central, token, name=name, profile=profile).start()
        started.append(unit)
        wait_until(lambda: fleet(unit)["config_version"] >= 0, what=f"{name}'s first configuration")
        return unit

    yield start
    for unit in started:
        unit.kill(signal.SIGTERM)


def new_version(city: City, *settings: str) -> int:
    made = provision(city, "config", "new", *settings).stdout
    found = re.match(r"configuration version (\d+): ", made)
    assert found, made
    return int(found.group(1))


def central_key(city: City) -> ed25519.Ed25519PrivateKey:
    return ed25519.Ed25519PrivateKey.from_private_bytes((city.data_dir / SIGNING_KEY_FILE).read_bytes())


def test_a_unit_applies_its_signed_configuration_and_refuses_forgeries(
    city: City, start_unit: Callable[..., Service]
) -> None:
    unit = start_unit("configured")
    unit_id = str(health(unit)["device_id"])
    assert ticket(unit).startswith("A")
    version = new_version(city, "--ticket-prefix", "B", "--idle-seconds", "120", "--note", "pilot")
    started = provision(city, "rollout", "start", str(version), "--pilot", unit_id).stdout
    assert f"version {version}" in started
    assert "pilot" in started
    wait_until(lambda: fleet(unit)["config_version"] == version, what="the pilot to apply the version")
    assert ticket(unit).startswith("B")

    applied = fleet(unit)
    document = ConfigDocument(
        v=1,
        device_id=unit_id,
        version=99,
        issued_ms=applied["config_issued_ms"] + 60_000,
        profile="",
        counter_key=bytes(32),
        settings=UnitSettings(ticket_prefix="X"),
    )
    older = msgspec.structs.replace(document, issued_ms=1)
    forgeries = [
        sign_config(ed25519.Ed25519PrivateKey.generate(), document),  # not central's key
        sign_config(central_key(city), document).replace(b'"sig":"', b'"sig":"AA', 1),  # tampered
        b'{"v":1,"device_id":"' + unit_id.encode() + b'","version":99}',  # unsigned
        sign_config(central_key(city), older),  # central's, but older than the applied one: played back
    ]
    asyncio.run(publish(city.broker, [(topics.config(unit_id), payload) for payload in forgeries]))
    wait_until(
        lambda: fleet(unit)["refused"] == len(forgeries),
        what="every forgery refused",
        state=lambda: fleet(unit),
    )
    assert (
        fleet(unit)["last_refusal"]
        == "configuration: configuration older than the one applied (played back?)"
    )
    assert fleet(unit)["config_version"] == version
    assert ticket(unit).startswith("B")

    status = provision(city, "rollout", "status").stdout.splitlines()
    assert f"{unit_id}\ttarget {version}\tapplied {version}" in status
    assert "fleet" in provision(city, "rollout", "promote").stdout
    rolled_back = provision(city, "rollout", "rollback").stdout
    assert "rolled_back" in rolled_back
    previous = int(re.search(r"from (\d+)\)", rolled_back).group(1))  # type: ignore[union-attr]
    wait_until(lambda: fleet(unit)["config_version"] == previous, what="the unit to roll back")
    assert ticket(unit).startswith("A")


def test_a_rollout_halts_by_itself_when_a_pilot_unit_cannot_apply_it(
    city: City, start_unit: Callable[..., Service]
) -> None:
    pilot, other = start_unit("pilot"), start_unit("other")
    pilot_id, other_id = str(health(pilot)["device_id"]), str(health(other)["device_id"])
    before = fleet(other)["config_version"]
    version = new_version(city, "--catalog-version", "2099.1")
    provision(city, "rollout", "start", str(version), "--pilot", pilot_id)

    def halted() -> bool:
        return "halted" in provision(city, "rollout", "status").stdout.splitlines()[0]

    wait_until(halted, what="the rollout to halt", state=lambda: provision(city, "rollout", "status").stdout)
    status = provision(city, "rollout", "status").stdout.splitlines()
    running = fleet(pilot)["catalog_version"]
    error = f"catalog version 2099.1 required, this unit runs {running}"
    assert status[0].endswith(f"halted: {pilot_id} could not apply version {version}: {error}")
    assert fleet(pilot)["config_error"] == error
    assert fleet(pilot)["config_version"] == before  # nothing of the version was applied
    refused = provision(city, "rollout", "promote", check=False)
    assert refused.returncode != 0
    assert "no rollout in its pilot stage (latest: halted)" in refused.stderr
    assert f"{other_id}\ttarget {before}\tapplied {before}" in status  # the rest never got it
    assert "rolled_back" in provision(city, "rollout", "rollback").stdout
    wait_until(
        lambda: fleet(pilot)["config_error"] == "", what="the pilot to apply the previous version again"
    )


def capture(city: City, topic: str, trigger: Callable[[], object]) -> bytes:
    """The first message on `topic` after `trigger()` (read as an identity that may read anything)."""

    async def main() -> bytes:
        async with city.broker.client("test-command-spy") as client:
            await client.subscribe(topic, qos=1)
            await asyncio.to_thread(trigger)
            async for message in client.messages:
                return message.payload if isinstance(message.payload, bytes) else b""
        return b""

    return asyncio.run(asyncio.wait_for(main(), 60))


def test_signed_commands_run_once_and_forged_or_replayed_ones_are_refused(
    city: City, start_unit: Callable[..., Service], tmp_path: Path
) -> None:
    with VirtualPrinter() as printer:
        profile = tmp_path / "unit.toml"
        camera = EMULATED_PROFILE.parent / "emulated-camera"
        text = EMULATED_PROFILE.read_text().replace("port = 9100", f"port = {printer.port}")
        profile.write_text(text.replace('path = "emulated-camera"', f'path = "{camera}"'))
        unit = start_unit("commanded", profile)
        unit_id = str(health(unit)["device_id"])

        def last_command() -> str:
            return str(fleet(unit)["last_command"])

        payload = capture(
            city, topics.commands(unit_id), lambda: provision(city, "command", unit_id, "print_test_slip")
        )
        wait_until(
            lambda: last_command() == "print_test_slip: done", what="the test slip", state=last_command
        )
        assert b"TEST" in printer.wait_for_jobs(1)[0]

        forged = sign_command(
            ed25519.Ed25519PrivateKey.generate(), new_command(unit_id, "wipe_local_data", 0)
        )
        asyncio.run(
            publish(city.broker, [(topics.commands(unit_id), payload), (topics.commands(unit_id), forged)])
        )
        wait_until(lambda: fleet(unit)["refused"] == 2, what="the replay and the forgery refused")
        assert fleet(unit)["last_refusal"].startswith("command: signature invalid")
        assert len(printer.wait_for_jobs(1)) == 1  # the replayed command printed nothing

        wait_until(lambda: health(unit)["outbox_depth"] == 0, what="an empty outbox")
        provision(city, "command", unit_id, "wipe_local_data")
        wait_until(lambda: last_command() == "wipe_local_data: done", what="the wipe", state=last_command)
        provision(city, "command", unit_id, "rotate_identity")
        wait_until(
            lambda: last_command().startswith("rotate_identity: done (certificate generation 2"),
            what="rotation",
        )
        assert (tmp_path / "commanded" / "tls-2.pem").exists()
        assert not (tmp_path / "commanded" / "tls-1.pem").exists()
        provision(city, "command", unit_id, "reload")
        wait_until(
            lambda: last_command().startswith("reload: done (catalog "), what="the reload", state=last_command
        )
        unknown = provision(city, "command", "cu-nobody", "reload", check=False)
        assert unknown.returncode != 0
        assert "no such unit" in unknown.stderr
