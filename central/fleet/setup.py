"""What `madoguchi provision init` recorded about the city's broker, in central's data dir (`fleet.json`).

Central reads it to tell enrolling units where the broker is and to add them to it; IT's commands read it to
find the broker's files (the CRL goes there on revocation) and to know how to make the broker reload. A data
dir without this file has no secured broker (tests that say why run an anonymous one): enrolment then
admits nobody to a broker. Nothing secret lives here.
"""

import json
from dataclasses import dataclass
from pathlib import Path

from protocol.mqtt import TlsFiles
from protocol.secret_file import write_secret_file

SETUP_FILE = "fleet.json"
CLIENTS_DIR = "mqtt-clients"
"""Where central's own MQTT identities (keys 0600 and certificates) live in its data dir."""
CA_FILE = "ca.pem"


@dataclass(frozen=True, slots=True)
class BrokerSetup:
    """The secured broker as `provision init` set it up."""

    broker_url: str
    """`mqtts://host:port`: what units are told at enrolment, and where IT's commands reach the broker."""
    broker_dir: Path
    """The broker's files (mosquitto.conf, rules, certificates, CRL)."""
    reload_command: tuple[str, ...] = ()
    """What makes the broker re-read its CRL (e.g. `systemctl reload mosquitto`), if not pid_file."""
    pid_file: Path | None = None
    """Or the broker's pid file: a SIGHUP to that pid reloads it."""

    def to_json(self) -> bytes:
        """The file's content (stable, so an unchanged setup rewrites nothing)."""
        return json.dumps(
            {
                "broker_url": self.broker_url,
                "broker_dir": str(self.broker_dir),
                "reload_command": list(self.reload_command),
                "pid_file": str(self.pid_file) if self.pid_file else None,
            },
            indent=2,
        ).encode()

    def save(self, data_dir: Path) -> bool:
        """Record this setup in data_dir; whether the file changed."""
        path = data_dir / SETUP_FILE
        content = self.to_json()
        if path.exists() and path.read_bytes() == content:
            return False
        write_secret_file(path, content, replace=True)
        return True

    @classmethod
    def load(cls, data_dir: Path) -> "BrokerSetup | None":
        """The recorded setup, or None if this data dir has no secured broker."""
        path = data_dir / SETUP_FILE
        if not path.exists():
            return None
        saved = json.loads(path.read_bytes())
        pid_file = saved.get("pid_file")
        return cls(
            broker_url=str(saved["broker_url"]),
            broker_dir=Path(saved["broker_dir"]),
            reload_command=tuple(saved.get("reload_command") or ()),
            pid_file=Path(pid_file) if pid_file else None,
        )


def client_files(data_dir: Path, identity: str) -> TlsFiles:
    """Where central's identity keeps its key and certificate, beside the city CA's certificate."""
    directory = data_dir / CLIENTS_DIR
    return TlsFiles(
        ca=directory / CA_FILE, cert=directory / f"{identity}.pem", key=directory / f"{identity}.key"
    )
