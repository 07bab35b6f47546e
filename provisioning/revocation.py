"""`madoguchi provision revoke UNIT`: take a lost or stolen unit out of the fleet now.

In order: central refuses the unit's envelopes (its database; ingest sees it within seconds); the city CA
revokes the unit's certificates; the broker gets the new CRL and reloads (a SIGHUP to its pid file's pid,
or the recorded reload command) and the unit is pushed off at once: `evict` takes its connection over with
a one-off certificate and returns only when the broker refuses a revoked certificate, which proves the
reload took; last, the unit's client and role leave the broker's access rules. Each step says what it did,
and running the command again finishes what an unreachable broker interrupted.

Right after the database step the counter key is rotated (the lost unit holds it): central pushes the new
one to every other unit in their signed configuration within seconds, and opens QR codes sealed to the
previous key for a day (central/fleet/counter_keys.py). A second run for the same unit does not rotate again.
"""

import asyncio
import os
import signal
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine

from central.fleet.broker_admin import BrokerAdmin
from central.fleet.ca_store import CityCA
from central.fleet.counter_keys import GRACE, rotate, rotated_for
from central.fleet.credentials import existing_files
from central.fleet.dynsec import CENTRAL_ADMIN
from central.fleet.enrolment import revoke
from central.fleet.eviction import BrokerAddress, evict
from central.fleet.health import CITY_TIME
from central.fleet.setup import BrokerSetup
from protocol.urls import parse_broker_url
from provisioning.mosquitto import write_crl


def rotate_counter_key(data_dir: Path, unit_id: str) -> str:
    """Rotate the counter key for this unit's revocation (once); what was done."""
    if rotated_for(data_dir) == unit_id:
        return f"counter key: already rotated for {unit_id}"
    new = rotate(data_dir, unit_id)
    until = (datetime.now(UTC) + GRACE).astimezone(CITY_TIME).strftime("%Y-%m-%d %H:%M")
    return (
        f"counter key rotated (new key {new.key_id.hex()}): central pushes it to every other unit; "
        f"slips sealed to the previous key still open at central until {until} (Asia/Tokyo)"
    )


class ReloadFailed(RuntimeError):  # noqa: N818 - reads as the outcome at the call site
    """The broker could not be told to reload."""


def reload_broker(setup: BrokerSetup) -> None:
    """Make the broker re-read its CRL: SIGHUP to the pid in its pid file, or the reload command."""
    if setup.pid_file is not None:
        try:
            os.kill(int(setup.pid_file.read_text().strip()), signal.SIGHUP)
        except (OSError, ValueError) as exc:
            raise ReloadFailed(f"cannot signal the broker named in {setup.pid_file}: {exc}") from exc
        return
    if not setup.reload_command:
        raise ReloadFailed("fleet.json names no way to reload the broker: run provision init again")
    try:
        subprocess.run(list(setup.reload_command), check=True, capture_output=True, timeout=60)
    except (OSError, subprocess.SubprocessError) as exc:
        raise ReloadFailed(f"{' '.join(setup.reload_command)} failed: {exc}") from exc


@dataclass(frozen=True, slots=True)
class Revocation:
    """What revoking one unit needs: central's database and data dir, and the broker as provisioned."""

    engine: Engine
    authority: CityCA
    setup: BrokerSetup | None
    data_dir: Path

    async def run(self, unit_id: str) -> list[str]:
        """Revoke unit_id everywhere; returns what was done, step by step (KeyError: no such unit)."""
        device = await asyncio.to_thread(revoke, self.engine, unit_id)
        done = [
            f"central refuses {unit_id}'s envelopes (revoked at {device.revoked_at:%Y-%m-%d %H:%M} UTC)",
            await asyncio.to_thread(rotate_counter_key, self.data_dir, unit_id),
        ]
        setup = self.setup
        if setup is None:
            return [*done, "no secured broker is recorded (fleet.json): nothing to do there"]
        url = parse_broker_url(setup.broker_url)

        async def apply_crl() -> None:
            await asyncio.to_thread(write_crl, self.authority, setup.broker_dir)
            await asyncio.to_thread(reload_broker, setup)

        serials = await evict(self.authority, unit_id, BrokerAddress(url.host, url.port), apply_crl)
        done.append(f"revoked {len(serials)} certificate(s); the broker reloaded its CRL and refuses them")
        admin = BrokerAdmin(url, existing_files(self.data_dir, CENTRAL_ADMIN))
        await admin.remove(unit_id)
        done.append(f"removed {unit_id} from the broker's access rules (its connection, if any, is gone)")
        return done
