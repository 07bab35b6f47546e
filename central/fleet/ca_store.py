"""The city CA's directory in central's data dir: its key, its certificate, the ledger of issued and revoked
certificates, and the current CRL.

`CityCA` is the only writer of that directory. Its private keys (the CA's) are written 0600 through
`write_secret_file`, never logged and never returned; keys it makes for central's own identities and for
the broker are handed back once, to be written where their owner reads them. Every change to the ledger
happens under a file lock, so an enrolment in central and a revocation from the CLI cannot lose each other's
record.
"""

import fcntl
import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypedDict

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from central.fleet import ca
from protocol.secret_file import write_secret_file

CA_DIR = "fleet-ca"
KEY_FILE = "ca.key"
CERT_FILE = "ca.pem"
LEDGER_FILE = "ledger.json"
CRL_FILE = "crl.pem"
LOCK_FILE = "ca.lock"
TAKEOVER_VALIDITY = timedelta(minutes=10)
"""A one-off certificate that takes over a revoked unit's connection is revoked right after use, and
expires soon anyway should that step never run."""


class _Ledger(TypedDict):
    crl_number: int
    crl_last_update: str
    certificates: list[dict[str, str | None]]


EMPTY_LEDGER: _Ledger = {"crl_number": 0, "crl_last_update": "", "certificates": []}


@dataclass(frozen=True, slots=True)
class Credentials:
    """A key made by the CA and its certificate, both PEM; the key is never shown in a repr."""

    key_pem: bytes = field(repr=False)
    cert_pem: bytes


@dataclass(frozen=True, slots=True)
class Issued:
    """One certificate in the ledger."""

    serial: int
    identity: str
    kind: str
    """unit, central, broker or takeover."""
    not_after: datetime
    revoked_at: datetime | None = None

    def to_json(self) -> dict[str, str | None]:
        """The ledger's JSON form (serial in hex: it is 159 bits)."""
        return {
            "serial": f"{self.serial:x}",
            "identity": self.identity,
            "kind": self.kind,
            "not_after": self.not_after.isoformat(),
            "revoked_at": self.revoked_at.isoformat() if self.revoked_at else None,
        }

    @classmethod
    def from_json(cls, item: dict[str, str | None]) -> "Issued":
        """Read one ledger entry back."""
        revoked = item["revoked_at"]
        return cls(
            serial=int(str(item["serial"]), 16),
            identity=str(item["identity"]),
            kind=str(item["kind"]),
            not_after=datetime.fromisoformat(str(item["not_after"])),
            revoked_at=datetime.fromisoformat(revoked) if revoked else None,
        )


_Choice = Callable[[Issued], bool]


def _pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


class CityCA:
    """The CA kept in `DATA_DIR/fleet-ca/`; create it once with `load_or_create`."""

    def __init__(self, directory: Path, key: ec.EllipticCurvePrivateKey, cert: x509.Certificate) -> None:
        """Use `load_or_create`; this only binds what it loaded."""
        self.directory = directory
        self._key = key
        self.cert = cert

    @classmethod
    def load_or_create(cls, data_dir: Path, name: str = "Madoguchi city CA") -> "CityCA":
        """The CA in data_dir, created (key 0600, certificate, empty ledger and CRL) if there is none."""
        directory = data_dir / CA_DIR
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        with _locked(directory):
            if not (directory / KEY_FILE).exists():
                key = ca.new_key()
                cert = ca.create_ca(key, name, datetime.now(UTC))
                write_secret_file(directory / CERT_FILE, _pem(cert), replace=True)
                write_secret_file(directory / LEDGER_FILE, json.dumps(EMPTY_LEDGER).encode(), replace=True)
                write_secret_file(directory / KEY_FILE, _key_pem(key))  # last: its presence means "complete"
        loaded = serialization.load_pem_private_key((directory / KEY_FILE).read_bytes(), password=None)
        assert isinstance(loaded, ec.EllipticCurvePrivateKey)
        cert = x509.load_pem_x509_certificate((directory / CERT_FILE).read_bytes())
        authority = cls(directory, loaded, cert)
        authority.crl_pem()
        return authority

    @property
    def cert_pem(self) -> bytes:
        """The CA certificate every unit and the broker trust."""
        return _pem(self.cert)

    def certify_unit(self, unit_id: str, csr_pem: bytes, now: datetime | None = None) -> bytes:
        """A client certificate (PEM) for the key in a unit's CSR, with the unit id the CA gives as CN."""
        public = ca.public_key_of_csr(csr_pem)
        identity = ca.check_identity(unit_id, central=False)
        cert = ca.issue_client(self._key, self.cert, public, identity, now or datetime.now(UTC))
        self._record(cert, identity, "unit")
        return _pem(cert)

    def issue_central(self, identity: str, now: datetime | None = None) -> Credentials:
        """A key and client certificate for one of central's MQTT identities (`central-...`)."""
        key = ca.new_key()
        name = ca.check_identity(identity, central=True)
        cert = ca.issue_client(self._key, self.cert, key.public_key(), name, now or datetime.now(UTC))
        self._record(cert, name, "central")
        return Credentials(_key_pem(key), _pem(cert))

    def issue_broker(self, hosts: Sequence[str], now: datetime | None = None) -> Credentials:
        """A key and server certificate for the broker, valid for the given host names and addresses."""
        key = ca.new_key()
        cert = ca.issue_server(self._key, self.cert, key.public_key(), hosts, now or datetime.now(UTC))
        self._record(cert, cert.subject.rfc4514_string(), "broker")
        return Credentials(_key_pem(key), _pem(cert))

    def issue_takeover(self, unit_id: str, now: datetime | None = None) -> Credentials:
        """A short-lived certificate with a unit's identity, used once to push that unit off the broker."""
        key = ca.new_key()
        identity = ca.check_identity(unit_id, central=False)
        when = now or datetime.now(UTC)
        cert = ca.issue_client(self._key, self.cert, key.public_key(), identity, when, TAKEOVER_VALIDITY)
        self._record(cert, identity, "takeover")
        return Credentials(_key_pem(key), _pem(cert))

    def certificates(self) -> list[Issued]:
        """Every certificate the CA has issued, revoked or not."""
        return [Issued.from_json(item) for item in self._read_ledger()["certificates"]]

    def revoke(self, identity: str, now: datetime | None = None) -> list[int]:
        """Revoke every unexpired certificate with this identity; returns their serials (empty if none)."""
        when = now or datetime.now(UTC)
        return self._revoke(lambda item: item.identity == identity and item.not_after > when, when)

    def revoke_serial(self, serial: int, now: datetime | None = None) -> None:
        """Revoke one certificate by serial (KeyError if the CA never issued it)."""
        if not self._revoke(lambda item: item.serial == serial, now or datetime.now(UTC)):
            raise KeyError(f"{serial:x}")

    def crl_pem(self, now: datetime | None = None) -> bytes:
        """The current CRL (PEM), re-signed first if it is due (`ca.crl_due`)."""
        when = now or datetime.now(UTC)
        path = self.directory / CRL_FILE
        if path.exists() and not ca.crl_due(x509.load_pem_x509_crl(path.read_bytes()), when):
            return path.read_bytes()
        with _locked(self.directory):
            return self._write_crl(self._read_ledger(), when)

    def _record(self, cert: x509.Certificate, identity: str, kind: str) -> None:
        with _locked(self.directory):
            ledger = self._read_ledger()
            issued = Issued(cert.serial_number, identity, kind, cert.not_valid_after_utc)
            ledger["certificates"].append(issued.to_json())
            self._write_ledger(ledger)

    def _revoke(self, chosen: _Choice, when: datetime) -> list[int]:
        with _locked(self.directory):
            ledger = self._read_ledger()
            revoked: list[int] = []
            for position, item in enumerate(ledger["certificates"]):
                entry = Issued.from_json(item)
                if entry.revoked_at is None and chosen(entry):
                    revoked_entry = Issued(entry.serial, entry.identity, entry.kind, entry.not_after, when)
                    ledger["certificates"][position] = revoked_entry.to_json()
                    revoked.append(entry.serial)
            if revoked:
                self._write_ledger(ledger)
                self._write_crl(ledger, when)
        return revoked

    def _write_crl(self, ledger: _Ledger, now: datetime) -> bytes:
        last_update = now.replace(microsecond=0) - ca.BACKDATE
        if ledger["crl_last_update"]:
            previous = datetime.fromisoformat(ledger["crl_last_update"])
            last_update = max(last_update, previous + timedelta(seconds=1))
        ledger["crl_number"] += 1
        ledger["crl_last_update"] = last_update.isoformat()
        entries = [Issued.from_json(item) for item in ledger["certificates"]]
        revoked = [(item.serial, item.revoked_at) for item in entries if item.revoked_at is not None]
        crl = ca.build_crl(self._key, self.cert, revoked, ledger["crl_number"], last_update)
        pem = crl.public_bytes(serialization.Encoding.PEM)
        self._write_ledger(ledger)
        write_secret_file(self.directory / CRL_FILE, pem, replace=True)
        return pem

    def _read_ledger(self) -> _Ledger:
        loaded: _Ledger = json.loads((self.directory / LEDGER_FILE).read_bytes())
        return loaded

    def _write_ledger(self, ledger: _Ledger) -> None:
        text = json.dumps(ledger, indent=1).encode()
        write_secret_file(self.directory / LEDGER_FILE, text, replace=True)


@contextmanager
def _locked(directory: Path) -> Iterator[None]:
    with (directory / LOCK_FILE).open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
