"""The enrolment exchange: a counter unit trades a single-use token and its public key for its identity."""

import msgspec


class EnrolRequest(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    """Sent by a counter unit on first boot."""

    token: str
    public_key: bytes
    """The unit's Ed25519 public key (32 raw bytes; base64 in JSON)."""
    hostname: str = ""


class EnrolResponse(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    """Central's answer: who the unit is now, whom to seal to, and where the broker is."""

    device_id: str
    office_id: str
    city_public_key: bytes
    broker_url: str
    counter_key: bytes
    """The shared counter key (X25519, 32 raw bytes) that seals and opens QR codes offline."""
    central_key: bytes
    """Central's signing key's public half (Ed25519, 32 raw bytes): a unit acts on no ack, config or
    command that this key did not sign."""
