"""A counter unit reduced to its keys: enrols over HTTP, seals envelopes; tests and benches publish them.

It uses the same protocol code as the real edge agent but no outbox, so tests can craft replays, conflicts
and forgeries and benches can publish at full speed. Its keys live in memory only; it never writes a file.
"""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx
import msgspec
from cryptography.hazmat.primitives.asymmetric import ed25519

from protocol import envelope
from protocol.enrolment import EnrolRequest, EnrolResponse
from protocol.facts import Facts
from protocol.ids import uuid7
from protocol.keys import CityPublicKey, raw_public
from protocol.messages import SubmissionBody, Ticket
from protocol.plan import Plan


@dataclass
class SimulatedDevice:
    """An enrolled identity that can seal submissions."""

    device_id: str
    office_id: str
    city: CityPublicKey
    signer: ed25519.Ed25519PrivateKey
    central_key: bytes
    """Central's signing key (32 raw bytes), which the unit checks acks against."""
    seq: int = 0

    @classmethod
    def enrol(cls, central_url: str, token: str) -> "SimulatedDevice":
        """Enrol with a fresh key, as a unit does on first boot."""
        key = ed25519.Ed25519PrivateKey.generate()
        request = EnrolRequest(token=token, public_key=raw_public(key), hostname="simulated")
        response = httpx.post(
            f"{central_url}/api/enrol",
            content=msgspec.json.encode(request),
            headers={"content-type": "application/json"},
        )
        response.raise_for_status()
        answer = msgspec.json.decode(response.content, type=EnrolResponse)
        city = CityPublicKey.from_bytes(answer.city_public_key)
        return cls(answer.device_id, answer.office_id, city, key, answer.central_key)

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
