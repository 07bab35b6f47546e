"""The broker's access rules, as the dynamic-security plugin's JSON: who may publish and read what.

Access rules are the dynamic-security plugin's (shipped in Debian's mosquitto), not an `acl_file`: Mosquitto
2.0's ACL file never checks subscriptions, so any unit could join `$share/central` and take its turn of every
unit's submissions, which the broker then drops (the unit may not read them) and central never gets. The
plugin checks every subscription filter, `$share/...` included. `render_dynsec` renders the whole file for
an install (provisioning/mosquitto.py writes it); `unit_commands` / `removal_commands` are the requests that
change the running broker (central/fleet/broker_admin.py sends them). Pure functions: no files, no network.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass

from central.fleet.ca import CENTRAL_PREFIX, check_identity
from protocol import topics

OFFICE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,62}")
DYNSEC_API = "$CONTROL/dynamic-security/v1"
RECEIVE = "publishClientReceive"

CENTRAL_PUBLISHER = f"{CENTRAL_PREFIX}publisher"
"""Central's identity for what it pushes: configs, commands and office queues (central/fleet/publisher.py)."""
CENTRAL_ADMIN = f"{CENTRAL_PREFIX}admin"
"""Central's identity for the broker's dynamic-security API (units added and removed at run time)."""
MAX_INGEST_WORKERS = 32
"""The broker knows this many ingest identities (`central-ingest-0`…), so central can run up to this many
workers without touching the broker; an identity nobody holds a certificate for lets nobody in."""


def ingest_identity(index: int) -> str:
    """The identity of ingest worker `index`."""
    return f"{CENTRAL_PREFIX}ingest-{index}"


def central_identities(ingest_workers: int = MAX_INGEST_WORKERS) -> list[str]:
    """Central's MQTT identities: one per ingest worker (`central-ingest-<n>`), a publisher, an admin."""
    if not 1 <= ingest_workers <= MAX_INGEST_WORKERS:
        raise ValueError(f"central runs 1 to {MAX_INGEST_WORKERS} ingest workers, not {ingest_workers}")
    return [*(ingest_identity(n) for n in range(ingest_workers)), CENTRAL_PUBLISHER, CENTRAL_ADMIN]


@dataclass(frozen=True, slots=True)
class EnrolledUnit:
    """A unit the broker lets in: its identity (certificate CN) and the office whose queue it reads."""

    unit_id: str
    office_id: str


def _acl(kind: str, topic: str) -> dict[str, object]:
    return {"acltype": kind, "topic": topic, "priority": 0, "allow": True}


def _reads(*filters: str) -> list[dict[str, object]]:
    """Subscribe with exactly these filters, and receive what they match."""
    return [acl for topic in filters for acl in (_acl("subscribeLiteral", topic), _acl(RECEIVE, topic))]


def _sends(*names: str) -> list[dict[str, object]]:
    return [_acl("publishClientSend", topic) for topic in names]


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
    """The dynamic-security plugin's configuration: nothing by default, then a role per unit and central's."""
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


def unit_commands(unit: EnrolledUnit) -> list[dict[str, object]]:
    """The dynamic-security commands (to DYNSEC_API, as CENTRAL_ADMIN) that let a new unit in at run time."""
    role = unit_role(unit)
    return [
        {"command": "createRole", **role},
        {"command": "createClient", **_client(unit.unit_id, str(role["rolename"]))},
    ]


def removal_commands(unit_id: str) -> list[dict[str, object]]:
    """The dynamic-security commands that remove a unit: the broker drops its connection at once."""
    return [
        {"command": "deleteClient", "username": unit_id},
        {"command": "deleteRole", "rolename": f"unit-{unit_id}"},
    ]
