"""The production broker's files: mosquitto.conf (mTLS only), its access rules, the CA, server and CRL files.

Access rules are the dynamic-security plugin's (shipped in Debian's mosquitto), not an `acl_file`: Mosquitto
2.0's ACL file never checks subscriptions, so any unit could join `$share/central` and take its turn of every
unit's submissions, which the broker then drops (the unit may not read them) and central never gets. The
plugin checks every subscription filter, `$share/...` included. `render_dynsec` renders the rules from the
enrolled units (unit id, office) and central's identities; `write_broker_files` writes everything for an
install or a restart, and `unit_commands` / `removal_commands` change the running broker without a restart.
This module never reads the CA's private key and writes no key but the broker's own server key, mode 0600.
"""

import json
import platform
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from cryptography import x509

from central.fleet.ca import CENTRAL_PREFIX, check_identity, renewal_due
from central.fleet.ca_store import CityCA
from protocol import topics
from protocol.secret_file import write_secret_file

CONF_FILE = "mosquitto.conf"
DYNSEC_FILE = "dynamic-security.json"
DYNSEC_PLUGIN = "/usr/lib/{arch}-linux-gnu/mosquitto_dynamic_security.so"
CA_FILE = "ca.pem"
CERT_FILE = "server.pem"
KEY_FILE = "server.key"
CRL_FILE = "crl.pem"
DEFAULT_PORT = 8883
OFFICE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,62}")

CENTRAL_PUBLISHER = f"{CENTRAL_PREFIX}publisher"
"""Central's identity for what it pushes: configs, commands and office queues."""
CENTRAL_ADMIN = f"{CENTRAL_PREFIX}admin"
"""Central's identity for the broker's dynamic-security API (units added and removed at run time)."""


def central_identities(ingest_workers: int) -> list[str]:
    """Central's MQTT identities: one per ingest worker (`central-ingest-<n>`), a publisher, an admin."""
    return [*(f"{CENTRAL_PREFIX}ingest-{n}" for n in range(ingest_workers)), CENTRAL_PUBLISHER, CENTRAL_ADMIN]


@dataclass(frozen=True, slots=True)
class EnrolledUnit:
    """A unit the broker lets in: its identity (certificate CN) and the office whose queue it reads."""

    unit_id: str
    office_id: str


@dataclass(frozen=True, slots=True)
class BrokerSettings:
    """Where the broker listens and keeps its state; the defaults are a production install's."""

    hosts: Sequence[str]
    """Host names and addresses units connect to (the server certificate's SANs)."""
    port: int = DEFAULT_PORT
    bind_address: str | None = None
    """None: every interface."""
    persistence_dir: Path = Path("/var/lib/mosquitto")
    run_as: str | None = None
    """The user mosquitto drops to when started as root (None: mosquitto's default, `mosquitto`)."""
    log_dest: str = "syslog"
    dynsec_plugin: str = field(default_factory=lambda: DYNSEC_PLUGIN.format(arch=platform.machine()))
    """Where Debian installs the plugin (multiarch: x86_64-linux-gnu, aarch64-linux-gnu)."""


def _acl(kind: str, topic: str) -> dict[str, object]:
    return {"acltype": kind, "topic": topic, "priority": 0, "allow": True}


def _reads(*filters: str) -> list[dict[str, object]]:
    """Subscribe with exactly these filters, and receive what they match."""
    return [acl for topic in filters for acl in (_acl("subscribeLiteral", topic), _acl(RECEIVE, topic))]


def _sends(*names: str) -> list[dict[str, object]]:
    return [_acl("publishClientSend", topic) for topic in names]


RECEIVE = "publishClientReceive"
DYNSEC_API = "$CONTROL/dynamic-security/v1"


def unit_role(unit: EnrolledUnit) -> dict[str, object]:
    """A unit's dynamic-security role: publish its own topics, read its own and its office's queue."""
    unit_id = check_identity(unit.unit_id, central=False)
    if not OFFICE.fullmatch(unit.office_id):
        raise ValueError(f"not a valid office id: {unit.office_id!r}")
    own = (topics.acks(unit_id), topics.config(unit_id), topics.commands(unit_id))
    return {
        "rolename": f"unit-{unit_id}",
        "acls": [
            *_sends(topics.submissions(unit_id), topics.status(unit_id), topics.device_queue(unit_id)),
            *_reads(*own, topics.office_queue(unit.office_id)),
        ],
    }


def central_role() -> dict[str, object]:
    """Central's role: the only members of `$share/central`; read status and queues, push acks and configs."""
    every = "+"
    return {
        "rolename": "central",
        "acls": [
            _acl("subscribeLiteral", topics.ALL_SUBMISSIONS),
            _acl(RECEIVE, topics.submissions(every)),
            *_reads(topics.ALL_STATUS, topics.device_queue(every)),
            *_sends(topics.acks(every), topics.config(every), topics.commands(every)),
            *_sends(topics.office_queue(every)),
        ],
    }


def admin_role() -> dict[str, object]:
    """Central's fleet administrator: adds and removes units on the running broker (`unit_commands`)."""
    return {"rolename": "fleet-admin", "acls": [*_sends(DYNSEC_API), *_reads(f"{DYNSEC_API}/response")]}


def _client(identity: str, role: str) -> dict[str, object]:
    return {"username": identity, "roles": [{"rolename": role}]}


def render_dynsec(units: Iterable[EnrolledUnit], central: Iterable[str]) -> dict[str, object]:
    """The dynamic-security plugin's configuration: nothing by default, then a role per unit and central's.

    mosquitto's `acl_file` never checks subscriptions (any unit could join `$share/central` and take a share
    of every unit's submissions, which central then never gets); the plugin checks each subscription filter.
    """
    chosen = sorted(units, key=lambda unit: unit.unit_id)
    identities = list(central)
    return {
        "defaultACLAccess": {
            "publishClientSend": False,
            RECEIVE: False,
            "subscribe": False,
            "unsubscribe": True,
        },
        "clients": [
            *(_client(name, "fleet-admin" if name == CENTRAL_ADMIN else "central") for name in identities),
            *(_client(unit.unit_id, f"unit-{unit.unit_id}") for unit in chosen),
        ],
        "groups": [],
        "roles": [central_role(), admin_role(), *(unit_role(unit) for unit in chosen)],
    }


def unit_commands(unit: EnrolledUnit) -> dict[str, object]:
    """The dynamic-security request (to DYNSEC_API, as CENTRAL_ADMIN) that lets a new unit in at run time."""
    role = unit_role(unit)
    return {
        "commands": [
            {"command": "createRole", **role},
            {"command": "createClient", **_client(unit.unit_id, str(role["rolename"]))},
        ]
    }


def removal_commands(unit_id: str) -> dict[str, object]:
    """The dynamic-security request that removes a unit: the broker drops its connection at once."""
    return {
        "commands": [
            {"command": "deleteClient", "username": unit_id},
            {"command": "deleteRole", "rolename": f"unit-{unit_id}"},
        ]
    }


def render_conf(out: Path, settings: BrokerSettings) -> str:
    """mosquitto.conf: one TLS listener where a client certificate from the city CA is the only way in."""
    listener = f"listener {settings.port}" + (f" {settings.bind_address}" if settings.bind_address else "")
    lines = [
        "# Generated by `madoguchi provision mosquitto-config`.",
        "per_listener_settings false",
        "allow_anonymous false",
        f"plugin {settings.dynsec_plugin}",
        f"plugin_opt_config_file {out / DYNSEC_FILE}",
        *([f"user {settings.run_as}"] if settings.run_as else []),
        "persistence true",
        f"persistence_location {settings.persistence_dir}/",
        "autosave_interval 5",
        "persistent_client_expiration 7d",
        "max_inflight_messages 1000",
        "max_queued_messages 1000000",
        "max_packet_size 1048576",
        f"log_dest {settings.log_dest}",
        "log_type error",
        "log_type warning",
        "log_type notice",
        "connection_messages true",
        "",
        listener,
        "protocol mqtt",
        f"cafile {out / CA_FILE}",
        f"certfile {out / CERT_FILE}",
        f"keyfile {out / KEY_FILE}",
        f"crlfile {out / CRL_FILE}",
        "tls_version tlsv1.2",
        "require_certificate true",
        "use_identity_as_username true",
        "use_username_as_clientid true",
    ]
    return "\n".join(lines) + "\n"


def _server_cert_current(out: Path, hosts: Sequence[str], ca_pem: bytes) -> bool:
    cert_path, key_path, ca_path = out / CERT_FILE, out / KEY_FILE, out / CA_FILE
    if not (cert_path.exists() and key_path.exists() and ca_path.exists()) or ca_path.read_bytes() != ca_pem:
        return False
    cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
    names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    current = {str(value) for value in names.get_values_for_type(x509.DNSName)}
    current |= {str(value) for value in names.get_values_for_type(x509.IPAddress)}
    return current == set(hosts) and not renewal_due(cert, datetime.now(UTC))


def write_broker_files(
    authority: CityCA,
    out: Path,
    settings: BrokerSettings,
    units: Iterable[EnrolledUnit],
    central: Iterable[str],
) -> None:
    """Write (or refresh) everything the broker reads into out, for an install or a broker restart.

    The server certificate is issued again only when it is missing, due for renewal, or for other hosts.
    After a revocation, write the CRL alone (`write_crl`) and reload (SIGHUP). The plugin rewrites its own
    file when `unit_commands` change the running broker, so out must be writable by the broker's user.
    """
    out.mkdir(parents=True, exist_ok=True)
    ca_pem = authority.cert_pem
    if not _server_cert_current(out, settings.hosts, ca_pem):
        server = authority.issue_broker(settings.hosts)
        write_secret_file(out / KEY_FILE, server.key_pem, replace=True)
        write_secret_file(out / CERT_FILE, server.cert_pem, replace=True)
    for name, content in (
        (CA_FILE, ca_pem),
        (DYNSEC_FILE, json.dumps(render_dynsec(units, central), indent=1).encode()),
        (CONF_FILE, render_conf(out, settings).encode()),
    ):
        write_secret_file(out / name, content, replace=True)
    write_crl(authority, out)


def write_crl(authority: CityCA, out: Path) -> None:
    """Put the CA's current CRL where the broker reads it; SIGHUP then makes the broker use it."""
    write_secret_file(out / CRL_FILE, authority.crl_pem(), replace=True)
