"""A private Mosquitto broker on a free port with its own config, for `madoguchi demo`, tests and benches.

It never touches the system broker (port 1883) or /etc/mosquitto; everything lives in the given directory.
"""

import getpass
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from testbed.processes import free_port, stop, wait_for_port

MOSQUITTO_CANDIDATES = ("mosquitto", "/usr/sbin/mosquitto")


def mosquitto_binary() -> str:
    """Find the mosquitto executable (Debian installs it in /usr/sbin, often not on PATH)."""
    for candidate in MOSQUITTO_CANDIDATES:
        found = shutil.which(candidate)
        if found:
            return found
    raise FileNotFoundError("mosquitto is not installed (scripts/bootstrap installs it)")


def render_config(port: int, workdir: Path) -> str:
    """Mosquitto config: loopback listener, persistence, and queues large enough for a long outage."""
    return "\n".join(
        [
            f"listener {port} 127.0.0.1",
            "allow_anonymous true",
            f"user {getpass.getuser()}",  # as root, mosquitto would drop to a user that cannot write here
            "persistence true",
            f"persistence_location {workdir}/",
            "autosave_interval 5",
            "persistent_client_expiration 7d",  # central's MQTT 3.1.1 sessions, should an ingest worker go
            "max_inflight_messages 1000",
            "max_queued_messages 1000000",
            "max_packet_size 1048576",
            "log_dest stderr",
            "log_type error",
            "log_type warning",
            "",
        ]
    )


@dataclass
class Broker:
    """A mosquitto process we own; `stop()` and `start()` may be called repeatedly (outage tests)."""

    workdir: Path
    port: int = field(default_factory=free_port)
    host: str = "127.0.0.1"
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """The URL counter units and central connect to."""
        return f"mqtt://{self.host}:{self.port}"

    def start(self) -> "Broker":
        """Write the config and start mosquitto; returns once it accepts connections."""
        self.workdir.mkdir(parents=True, exist_ok=True)
        conf = self.workdir / "mosquitto.conf"
        conf.write_text(render_config(self.port, self.workdir))
        log = (self.workdir / "mosquitto.log").open("ab")
        self.process = subprocess.Popen(
            [mosquitto_binary(), "-c", str(conf)], stdout=log, stderr=log, start_new_session=True
        )
        wait_for_port(self.host, self.port)
        return self

    def stop(self) -> None:
        """Stop mosquitto (it saves its persistence file on the way out)."""
        if self.process is not None:
            stop(self.process)
        self.process = None
