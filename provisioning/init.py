"""`madoguchi provision init`: everything central and the broker need before the first unit enrols, made
once and checked on every later run.

In order: central's keys (city sealing, counter, signing), the city CA, central's own MQTT identities (one
per ingest worker, the publisher, the admin), the broker's files (configuration, access rules, server
certificate, CA, CRL), and `fleet.json`, which tells central and IT's commands where that broker is and how to
make it reload. Each step makes only what is missing or out of date and says what it made, so a second run
changes nothing and says so. No key is printed or logged.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from central.fleet.ca_store import CA_DIR, KEY_FILE, CityCA
from central.fleet.credentials import ensure_credentials
from central.fleet.dynsec import EnrolledUnit, central_identities
from central.fleet.setup import SETUP_FILE, BrokerSetup
from central.keys import ensure_keys
from provisioning.mosquitto import BrokerSettings, write_broker_files


def broker_url(host: str, port: int) -> str:
    """The `mqtts://` URL of a broker host (an IPv6 address in brackets)."""
    return f"mqtts://[{host}]:{port}" if ":" in host else f"mqtts://{host}:{port}"


@dataclass(frozen=True, slots=True)
class FleetInit:
    """What `provision init` sets up: central's data dir, the broker, and how the broker reloads."""

    data_dir: Path
    broker_dir: Path
    broker: BrokerSettings
    ingest_workers: int
    reload_command: Sequence[str] = ()
    """What makes the broker re-read its CRL, unless broker.pid_file is set (then a SIGHUP to that pid)."""


def provision_fleet(plan: FleetInit, units: Sequence[EnrolledUnit] = ()) -> list[str]:
    """Make what is missing and return what was made or changed ([]: nothing; all was in place).

    units: the enrolled, unrevoked units, for a broker whose access rules are written for the first time.
    """
    data_dir = plan.data_dir
    made = [f"created {data_dir / name}" for name in ensure_keys(data_dir)]
    if not (data_dir / CA_DIR / KEY_FILE).exists():
        made.append(f"created the city CA in {data_dir / CA_DIR}")
    authority = CityCA.load_or_create(data_dir)
    issued = ensure_credentials(authority, data_dir, central_identities(plan.ingest_workers))
    made += [f"issued a certificate for {identity}" for identity in issued]
    written = write_broker_files(
        authority, plan.broker_dir, plan.broker, units, central_identities(), fresh_rules=False
    )
    made += [f"wrote {plan.broker_dir / name}" for name in written]
    setup = BrokerSetup(
        broker_url=broker_url(plan.broker.hosts[0], plan.broker.port),
        broker_dir=plan.broker_dir.resolve(),
        reload_command=() if plan.broker.pid_file else tuple(plan.reload_command),
        pid_file=plan.broker.pid_file,
    )
    if setup.save(data_dir):
        made.append(f"recorded the broker ({setup.broker_url}) in {data_dir / SETUP_FILE}")
    return made
