"""MQTT topic names under `madoguchi/v1/` (`docs/protocol.md`, "Topics"); the only place topics are spelled.

Submissions, acks, status, config, commands and `ALL_STATUS` (central's status reader) are in use;
`device_queue` and `office_queue` are spelled here for the queue, so it does not invent its own. Nothing here
publishes or subscribes.
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
    """Central → edge, retained: the unit's signed configuration (protocol/config.py)."""
    return f"{PREFIX}/devices/{device_id}/config"


def commands(device_id: str) -> str:
    """Central → edge: signed remote commands (protocol/config.py)."""
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
"""Every unit's status, as central's fleet loop reads it (central/fleet/channel.py)."""


def device_of(topic: str) -> str | None:
    """Return the device id in a `devices/{id}/...` topic, or None for any other topic."""
    parts = topic.split("/")
    if len(parts) == 5 and f"{parts[0]}/{parts[1]}" == PREFIX and parts[2] == "devices":
        return parts[3]
    return None
