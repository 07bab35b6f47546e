"""MQTT topic names under `madoguchi/v1/` (`docs/protocol.md`, "Topics"); the only place topics are spelled.

Submissions, acks and status are in use. The contract's other topics are spelled here before anything uses
them, so the work that comes next does not invent its own: `config`, `commands` and `ALL_STATUS` are reserved
for the fleet (pushed configuration, remote commands, central's status reader), `device_queue` and
`office_queue` for the queue. Nothing here publishes or subscribes.
"""

PREFIX = "madoguchi/v1"
CENTRAL_SHARE = "$share/central"
"""Shared-subscription group, so several central instances can split the ingest."""


def submissions(device_id: str) -> str:
    """Edge → central, QoS 1: sealed envelopes."""
    return f"{PREFIX}/devices/{device_id}/submissions"


def acks(device_id: str) -> str:
    """Central → edge, QoS 1: submission ids committed."""
    return f"{PREFIX}/devices/{device_id}/acks"


def status(device_id: str) -> str:
    """Edge → central, retained, with a last-will "offline"."""
    return f"{PREFIX}/devices/{device_id}/status"


def config(device_id: str) -> str:
    """Central → edge, retained, signed (reserved for the fleet: profile, catalog version, keys)."""
    return f"{PREFIX}/devices/{device_id}/config"


def commands(device_id: str) -> str:
    """Central → edge: remote commands (reserved for the fleet)."""
    return f"{PREFIX}/devices/{device_id}/commands"


def device_queue(device_id: str) -> str:
    """Edge → central: offline-issued tickets and kiosk queue events (reserved for the queue)."""
    return f"{PREFIX}/devices/{device_id}/queue"


def office_queue(office_id: str) -> str:
    """Central → displays and edges, retained: queue state (reserved for the queue)."""
    return f"{PREFIX}/offices/{office_id}/queue"


ALL_SUBMISSIONS = f"{CENTRAL_SHARE}/{PREFIX}/devices/+/submissions"
"""Every unit's submissions, shared among central's ingest workers."""
ALL_STATUS = f"{PREFIX}/devices/+/status"
"""Every unit's status (reserved for the fleet: central's status reader)."""


def device_of(topic: str) -> str | None:
    """Return the device id in a `devices/{id}/...` topic, or None for any other topic."""
    parts = topic.split("/")
    if len(parts) == 5 and f"{parts[0]}/{parts[1]}" == PREFIX and parts[2] == "devices":
        return parts[3]
    return None
