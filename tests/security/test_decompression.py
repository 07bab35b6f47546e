"""Defect 3 of the hostile-network review: a small envelope must never inflate past the 4 MiB body bound."""

import uuid

import pytest
import zstandard
from cryptography.hazmat.primitives.asymmetric import ed25519

from protocol import envelope
from protocol.envelope import MAX_BODY_BYTES, Reason, Rejected, inflate
from protocol.facts import Facts, Person
from protocol.keys import CityPrivateKey
from protocol.messages import SubmissionBody, Ticket

CITY = CityPrivateKey.generate()


def bomb_body(size: int) -> SubmissionBody:
    """A valid body whose applicant's name alone is `size` bytes: it compresses to almost nothing."""
    applicant = Person(name="あ" * (size // 3), address="-", birth_date="1990-01-01", sex="1")
    return SubmissionBody(
        facts=Facts(life_event="certificates", language="ja", applicant=applicant),
        ticket=Ticket(number="A001", office_id="honcho", issued_at="2026-11-30T10:00:00+09:00"),
    )


def test_a_signed_envelope_that_inflates_past_the_bound_is_refused_as_oversized() -> None:
    signer = ed25519.Ed25519PrivateKey.generate()
    wire = envelope.seal(
        bomb_body(2 * MAX_BODY_BYTES),
        device_id="cu-1",
        submission_id=uuid.uuid4(),
        seq=1,
        created_at_ms=0,
        city=CITY.public,
        signer=signer,
    )
    assert len(wire) < 64 * 1024, "the whole point: a small, validly signed envelope"
    parsed = envelope.parse(wire)
    envelope.verify(parsed, signer.public_key())
    with pytest.raises(Rejected) as refused:
        envelope.decrypt(parsed, CITY)
    assert refused.value.reason is Reason.OVERSIZED


@pytest.mark.parametrize("declares_size", [True, False])
def test_inflate_stops_at_the_bound_whether_or_not_the_frame_declares_its_size(declares_size: bool) -> None:
    frame = zstandard.ZstdCompressor(write_content_size=declares_size).compress(bytes(64 * 1024 * 1024))
    with pytest.raises(Rejected) as refused:
        inflate(frame)
    assert refused.value.reason is Reason.OVERSIZED
    exact = zstandard.ZstdCompressor(write_content_size=declares_size).compress(bytes(MAX_BODY_BYTES))
    assert len(inflate(exact)) == MAX_BODY_BYTES
