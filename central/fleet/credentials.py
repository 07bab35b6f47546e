"""Central's own MQTT identities on disk: a key (0600) and a certificate from the city CA for each of
`central-ingest-<n>`, `central-publisher` and `central-admin`, beside the CA's certificate.

`ensure_credentials` issues what is missing, due for renewal, or no longer matches (another CA, a key and a
certificate that do not belong together) and leaves the rest alone, so `madoguchi provision init` and
central's start-up can both call it at every run. Keys are written 0600 and never logged.
"""

from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization

from central.fleet.ca_store import CityCA
from central.fleet.setup import client_files
from protocol.enrolment import renewal_due
from protocol.mqtt import TlsFiles
from protocol.secret_file import write_secret_file


def _current(files: TlsFiles, authority: CityCA, now: datetime) -> bool:
    if not (files.cert.exists() and files.key.exists()):
        return False
    cert = x509.load_pem_x509_certificate(files.cert.read_bytes())
    key = serialization.load_pem_private_key(files.key.read_bytes(), password=None)
    try:
        cert.verify_directly_issued_by(authority.cert)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return cert.public_key() == key.public_key() and not renewal_due(cert, now)


def ensure_credentials(
    authority: CityCA, data_dir: Path, identities: Iterable[str], now: datetime | None = None
) -> list[str]:
    """Make sure each of central's identities has a current key and certificate; returns those issued."""
    when = now or datetime.now(UTC)
    issued: list[str] = []
    for identity in identities:
        files = client_files(data_dir, identity)
        files.ca.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not files.ca.exists() or files.ca.read_bytes() != authority.cert_pem:
            write_secret_file(files.ca, authority.cert_pem, replace=True)
        if _current(files, authority, when):
            continue
        fresh = authority.issue_central(identity, when)
        write_secret_file(files.key, fresh.key_pem, replace=True)
        write_secret_file(files.cert, fresh.cert_pem, replace=True)
        issued.append(identity)
    return issued


def existing_files(data_dir: Path, identity: str) -> TlsFiles:
    """The identity's files, or FileNotFoundError naming the command that makes them."""
    files = client_files(data_dir, identity)
    for path in (files.ca, files.cert, files.key):
        if not path.exists():
            raise FileNotFoundError(
                f"{path} is missing: run `madoguchi provision init --central-data {data_dir}`"
            )
    return files
