"""A private Mosquitto on a free loopback port, for `madoguchi demo`, the tests and the benches.

It runs the city's own configuration: `madoguchi provision init` (provisioning/init.py) prepares the given
central data dir — keys, city CA, central's MQTT identities — and writes the broker's files (mutual TLS
only, the dynamic-security rules, the CRL) into this broker's directory, with this broker's pid file as the
way to reload it. So the demo is production on one machine, and the tests and benches run on what a city
runs. An anonymous broker (`central_data=None`) remains only for a test that says why it needs one.
It never touches the system broker (port 8883 or 1883) or /etc/mosquitto.
"""

import asyncio
import getpass
import shutil
import signal
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import aiomqtt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from central.fleet.broker_admin import ALREADY, BrokerAdmin
from central.fleet.ca_store import CityCA
from central.fleet.credentials import existing_files
from central.fleet.dynsec import CENTRAL_ADMIN
from central.settings import default_workers
from protocol.enrolment import make_csr
from protocol.mqtt import TlsFiles, make_client
from protocol.secret_file import write_secret_file
from protocol.urls import parse_broker_url
from provisioning.init import FleetInit, provision_fleet
from provisioning.mosquitto import CONF_FILE, BrokerSettings
from testbed.processes import free_port, stop, wait_for_port

MOSQUITTO_CANDIDATES = ("mosquitto", "/usr/sbin/mosquitto")
TEST_ROLE = "testbed-everything"
"""A role that may publish and read every topic: for test and bench clients only (`Broker.client`), added to
a running test broker on demand, never by `provision init` and never in the demo."""


def mosquitto_binary() -> str:
    """Find the mosquitto executable (Debian installs it in /usr/sbin, often not on PATH)."""
    for candidate in MOSQUITTO_CANDIDATES:
        found = shutil.which(candidate)
        if found:
            return found
    raise FileNotFoundError("mosquitto is not installed (scripts/bootstrap installs it)")


def render_anonymous_config(port: int, workdir: Path) -> str:
    """Mosquitto config for an anonymous broker: loopback listener, persistence, queues for long outages."""
    return "\n".join(
        [
            f"listener {port} 127.0.0.1",
            "allow_anonymous true",
            f"user {getpass.getuser()}",  # as root, mosquitto would drop to a user that cannot write here
            "persistence true",
            f"persistence_location {workdir}/",
            "autosave_interval 5",
            "persistent_client_expiration 7d",
            "max_inflight_messages 1000",
            "max_queued_messages 1000000",
            "max_packet_size 1048576",
            "log_dest stderr",
            "log_type error",
            "log_type warning",
            "",
        ]
    )


def _everything() -> list[dict[str, object]]:
    kinds = ("publishClientSend", "publishClientReceive", "subscribePattern")
    acls: list[dict[str, object]] = [
        {"acltype": kind, "topic": "#", "priority": 0, "allow": True} for kind in kinds
    ]
    return [{"command": "createRole", "rolename": TEST_ROLE, "acls": acls}]


@dataclass
class Broker:
    """A mosquitto process we own; `stop()` and `start()` may be called repeatedly (outage tests)."""

    workdir: Path
    central_data: Path | None
    """Central's data dir, prepared by `provision init` for this broker (None: anonymous, see above)."""
    port: int = field(default_factory=free_port)
    host: str = "127.0.0.1"
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """The URL counter units and central connect to."""
        return f"{'mqtts' if self.central_data else 'mqtt'}://{self.host}:{self.port}"

    @property
    def files(self) -> Path:
        """The broker's configuration, rules, certificates and CRL."""
        return self.workdir / "etc"

    def provision(self) -> list[str]:
        """`provision init` for this broker: what it made ([] once everything is in place)."""
        assert self.central_data is not None
        settings = BrokerSettings(
            hosts=[self.host, "localhost"],
            port=self.port,
            bind_address=self.host,
            persistence_dir=self.workdir,
            run_as=getpass.getuser(),  # as root, mosquitto would drop to a user that cannot read these files
            log_dest=f"file {self.workdir / 'mosquitto.log'}",
            pid_file=self.workdir / "mosquitto.pid",
        )
        plan = FleetInit(self.central_data, self.files, settings, ingest_workers=default_workers())
        return provision_fleet(plan)

    def start(self) -> "Broker":
        """Write the config and start mosquitto; returns once it accepts connections."""
        self.workdir.mkdir(parents=True, exist_ok=True)
        if self.central_data is not None:
            self.provision()
            conf = self.files / CONF_FILE
        else:
            conf = self.workdir / "mosquitto.conf"
            conf.write_text(render_anonymous_config(self.port, self.workdir))
        log = (self.workdir / "mosquitto.stderr").open("ab")
        self.process = subprocess.Popen(
            [mosquitto_binary(), "-c", str(conf)], stdout=log, stderr=log, start_new_session=True
        )
        wait_for_port(self.host, self.port)
        return self

    def reload(self) -> None:
        """SIGHUP: mosquitto re-reads its CRL."""
        assert self.process is not None
        self.process.send_signal(signal.SIGHUP)

    def stop(self) -> None:
        """Stop mosquitto (it saves its persistence file on the way out)."""
        if self.process is not None:
            stop(self.process)
        self.process = None

    def test_identity(self, name: str) -> TlsFiles | None:
        """A test-only identity that may publish and read every topic (None on an anonymous broker).

        Its certificate comes from the city CA for a key made here; the running broker learns it through
        the admin API, as central-admin. For tests and benches: it stands in for "whatever got past the
        broker", so central's own checks can be tested, and for a no-op baseline subscriber."""
        if self.central_data is None:
            return None
        directory = self.workdir / "test-identities"
        files = TlsFiles(directory / "ca.pem", directory / f"{name}.pem", directory / f"{name}.key")
        if not files.cert.exists():
            key = ec.generate_private_key(ec.SECP256R1())
            authority = CityCA.load_or_create(self.central_data)
            cert = authority.certify_unit(name, make_csr(key, name).encode())
            pem = key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
            write_secret_file(files.ca, authority.cert_pem, replace=True)
            write_secret_file(files.key, pem, replace=True)
            client: dict[str, object] = {
                "command": "createClient",
                "username": name,
                "roles": [{"rolename": TEST_ROLE}],
            }
            admin = BrokerAdmin(parse_broker_url(self.url), existing_files(self.central_data, CENTRAL_ADMIN))
            with ThreadPoolExecutor(1) as thread:  # its own event loop, whatever the caller runs
                thread.submit(asyncio.run, admin.send([*_everything(), client], tolerated=ALREADY)).result()
            write_secret_file(files.cert, cert, replace=True)
        return files

    def client(self, name: str) -> aiomqtt.Client:
        """An MQTT client for a test or bench, as `test_identity(name)` (anonymous on an anonymous broker)."""
        return make_client(parse_broker_url(self.url), name, tls=self.test_identity(name))
