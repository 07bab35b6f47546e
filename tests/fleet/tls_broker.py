"""A private Mosquitto running the production configuration `provisioning.mosquitto` writes, on a free
loopback port, with the city CA in a temporary central data dir; and clients that connect with certificates.

Nothing here touches the system broker or /etc/mosquitto.
"""

import getpass
import json
import signal
import ssl
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import aiomqtt
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from central.fleet.ca_store import CityCA, Credentials
from central.fleet.dynsec import EnrolledUnit
from central.fleet.eviction import BrokerAddress
from provisioning.mosquitto import CA_FILE, CONF_FILE, DYNSEC_FILE, BrokerSettings, write_broker_files
from testbed.broker import mosquitto_binary
from testbed.processes import free_port, stop, wait_for_port

HOST = "127.0.0.1"
OBSERVER = "test-observer"
"""A test-only identity that reads everything, to see what reached the broker (never in production)."""
OBSERVER_ROLE = {
    "rolename": OBSERVER,
    "acls": [
        {"acltype": kind, "topic": "#", "priority": 0, "allow": True}
        for kind in ("subscribePattern", "publishClientReceive")
    ],
}


@dataclass
class TlsBroker:
    """mosquitto with mTLS; `write(...)` regenerates its files, `reload()` sends SIGHUP, `restart()`."""

    workdir: Path
    authority: CityCA
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def out(self) -> Path:
        """Where the broker's config, ACL, certificates and CRL are written."""
        return self.workdir / "etc"

    @property
    def ca_file(self) -> Path:
        """The CA certificate clients verify the broker with."""
        return self.out / CA_FILE

    def write(self, units: Iterable[EnrolledUnit], central: Iterable[str]) -> None:
        """Render the production files for these units and central identities."""
        settings = BrokerSettings(
            hosts=[HOST, "localhost"],
            port=self.port,
            bind_address=HOST,
            persistence_dir=self.workdir / "state",
            run_as=getpass.getuser(),  # as root, mosquitto would drop to a user that cannot read these files
            log_dest=f"file {self.workdir / 'mosquitto.log'}",
        )
        (self.workdir / "state").mkdir(parents=True, exist_ok=True)
        write_broker_files(self.authority, self.out, settings, units, central, fresh_rules=True)
        rules = json.loads((self.out / DYNSEC_FILE).read_bytes())
        rules["roles"].append(OBSERVER_ROLE)
        rules["clients"].append({"username": OBSERVER, "roles": [{"rolename": OBSERVER}]})
        (self.out / DYNSEC_FILE).write_text(json.dumps(rules))

    @property
    def address(self) -> BrokerAddress:
        """Where clients connect, and the name the broker's certificate has for it."""
        return BrokerAddress(HOST, self.port)

    def start(self) -> "TlsBroker":
        """Start mosquitto on the files last written; returns once it accepts connections."""
        log = (self.workdir / "mosquitto.stderr").open("ab")
        self.process = subprocess.Popen(
            [mosquitto_binary(), "-c", str(self.out / CONF_FILE)],
            stdout=log,
            stderr=log,
            start_new_session=True,
        )
        wait_for_port(HOST, self.port)
        return self

    def reload(self) -> None:
        """SIGHUP: mosquitto re-reads its configuration (what it re-reads is what the tests find out)."""
        assert self.process is not None
        self.process.send_signal(signal.SIGHUP)

    def restart(self) -> None:
        """Stop (persistence saved) and start again on the same port."""
        self.stop()
        self.start()

    def stop(self) -> None:
        """Stop mosquitto."""
        if self.process is not None:
            stop(self.process)
        self.process = None


def write_credentials(directory: Path, name: str, credentials: Credentials) -> tuple[Path, Path]:
    """Write a key and certificate for a client to use; returns (cert file, key file)."""
    directory.mkdir(parents=True, exist_ok=True)
    cert, key = directory / f"{name}.pem", directory / f"{name}.key"
    cert.write_bytes(credentials.cert_pem)
    key.write_bytes(credentials.key_pem)
    key.chmod(0o600)
    return cert, key


def unit_credentials(authority: CityCA, unit_id: str, now: datetime | None = None) -> Credentials:
    """What a counter unit holds after enrolment: its own key, and the certificate the CA gave for its CSR."""
    key = ec.generate_private_key(ec.SECP256R1())
    requested = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "whatever-the-unit-asks")])
    csr = x509.CertificateSigningRequestBuilder().subject_name(requested).sign(key, hashes.SHA256())
    cert = authority.certify_unit(unit_id, csr.public_bytes(serialization.Encoding.PEM), now)
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return Credentials(key_pem, cert)


def client(
    broker: TlsBroker,
    identifier: str,
    files: tuple[Path, Path] | None,
    *,
    clean_session: bool = True,
    ca_file: Path | None = None,
) -> aiomqtt.Client:
    """An aiomqtt client that verifies the broker against the city CA and presents files (cert, key)."""
    context = ssl.create_default_context(cafile=str(ca_file or broker.ca_file))
    if files is not None:
        context.load_cert_chain(str(files[0]), str(files[1]))
    return aiomqtt.Client(
        HOST,
        broker.port,
        identifier=identifier,
        clean_session=clean_session,
        tls_context=context,
        timeout=10,
    )
