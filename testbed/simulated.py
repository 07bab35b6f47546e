"""A counter unit reduced to its keys: enrols over HTTP with a CSR, seals envelopes, connects with its own
certificate; tests and benches publish what it seals.

It uses the same protocol code as the real edge agent but no outbox, so tests can craft replays, conflicts
and forgeries and benches can publish at full speed. Its keys live in memory; only `tls_files` writes its
TLS key and certificate, into a directory the caller names, because the TLS stack loads them from files.
"""

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import aiomqtt
import httpx
import msgspec
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519

from protocol import envelope
from protocol.enrolment import EnrolRequest, EnrolResponse, enrol_proof, make_csr
from protocol.facts import Facts
from protocol.ids import uuid7
from protocol.keys import CityPublicKey, raw_public
from protocol.messages import SubmissionBody, Ticket
from protocol.mqtt import TlsFiles, make_client
from protocol.plan import Plan
from protocol.secret_file import write_secret_file
from protocol.urls import parse_broker_url


def enrolment_request(
    signer: ed25519.Ed25519PrivateKey, tls_key: ec.EllipticCurvePrivateKey, **grant: str
) -> EnrolRequest:
    """What a unit sends to enrol (grant: token=… or serial=…, and office_id=… to ask for an office)."""
    csr = make_csr(tls_key, "simulated")
    return EnrolRequest(
        public_key=raw_public(signer), csr=csr, proof=enrol_proof(signer, csr), hostname="simulated", **grant
    )


def post_enrolment(central_url: str, request: EnrolRequest) -> httpx.Response:
    """POST the request to central's enrolment endpoint, as a unit does."""
    return httpx.post(
        f"{central_url}/api/enrol",
        content=msgspec.json.encode(request),
        headers={"content-type": "application/json"},
        timeout=30,
    )


@dataclass
class SimulatedDevice:
    """An enrolled identity that can seal submissions and connect to the broker as itself."""

    device_id: str
    office_id: str
    city: CityPublicKey
    signer: ed25519.Ed25519PrivateKey
    central_key: bytes
    """Central's signing key (32 raw bytes), which the unit checks acks against."""
    broker_url: str = ""
    tls_key_pem: bytes = field(default=b"", repr=False)
    certificate: bytes = b""
    ca: bytes = b""
    seq: int = 0

    @classmethod
    def enrol(cls, central_url: str, token: str) -> "SimulatedDevice":
        """Enrol with fresh keys, as a unit does on first boot (httpx.HTTPStatusError if refused)."""
        signer = ed25519.Ed25519PrivateKey.generate()
        tls_key = ec.generate_private_key(ec.SECP256R1())
        response = post_enrolment(central_url, enrolment_request(signer, tls_key, token=token))
        response.raise_for_status()
        answer = msgspec.json.decode(response.content, type=EnrolResponse)
        key_pem = tls_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        return cls(
            answer.device_id,
            answer.office_id,
            CityPublicKey.from_bytes(answer.city_public_key),
            signer,
            answer.central_key,
            answer.broker_url,
            key_pem,
            answer.certificate.encode(),
            answer.ca_chain.encode(),
        )

    def tls_files(self, directory: Path) -> TlsFiles:
        """Write the unit's TLS key (0600), certificate and the CA into directory, for a TLS stack to load."""
        files = TlsFiles(
            directory / "ca.pem", directory / f"{self.device_id}.pem", directory / f"{self.device_id}.key"
        )
        for path, content in (
            (files.ca, self.ca),
            (files.cert, self.certificate),
            (files.key, self.tls_key_pem),
        ):
            write_secret_file(path, content, replace=True)
        return files

    def client(self, directory: Path) -> aiomqtt.Client:
        """An MQTT connection as this unit (its certificate, its client id), its files kept in directory."""
        return make_client(parse_broker_url(self.broker_url), self.device_id, tls=self.tls_files(directory))

    def seal(
        self,
        facts: Facts,
        submission_id: uuid.UUID | None = None,
        *,
        device_id: str | None = None,
        signer: ed25519.Ed25519PrivateKey | None = None,
        city: CityPublicKey | None = None,
        plan: Plan | None = None,
    ) -> tuple[str, bytes]:
        """Seal one submission; the keyword arguments let tests forge what a real unit never would."""
        self.seq += 1
        sid = submission_id or uuid7()
        body = SubmissionBody(
            facts=facts,
            ticket=Ticket(
                number=f"S{self.seq:03d}", office_id=self.office_id, issued_at=datetime.now(UTC).isoformat()
            ),
            plan=plan,
        )
        wire = envelope.seal(
            body,
            device_id=device_id or self.device_id,
            submission_id=sid,
            seq=self.seq,
            created_at_ms=int(datetime.now(UTC).timestamp() * 1000),
            city=city or self.city,
            signer=signer or self.signer,
        )
        return str(sid), wire
