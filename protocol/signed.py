"""Central's signature on what it pushes to units (configuration, commands): one wrapper for both.

A unit acts on a pushed document only when central's signing key (Ed25519; the unit got its public half at
enrolment, as for acks: protocol/acks.py) signed exactly the bytes it reads. The wire form wraps the
document's own JSON bytes, so nothing is re-encoded between signing and checking:

    {"doc": "<base64 of the document's JSON>", "sig": "<base64 Ed25519, 64 bytes>"}

signed over DOMAIN || doc, with a domain per kind (a config can never pass for a command). The size is
checked before parsing, the signature before the document is decoded into its (strict) schema. Errors say
why (the unit reports them) and never quote the payload.
"""

from typing import TypeVar

import msgspec
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import ed25519

T = TypeVar("T")


class SignatureRefused(ValueError):  # noqa: N818 - reads as the outcome at the call site
    """Not a document this unit may act on; the message is the reason it reports."""


class _Signed(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    doc: bytes
    sig: bytes


_wrapper = msgspec.json.Decoder(_Signed)


def sign_document(key: ed25519.Ed25519PrivateKey, domain: bytes, document: msgspec.Struct) -> bytes:
    """The signed wire form of a document."""
    doc = msgspec.json.encode(document)
    return msgspec.json.encode(_Signed(doc=doc, sig=key.sign(domain + doc)))


def open_document(
    payload: bytes, domain: bytes, kind: type[T], central: ed25519.Ed25519PublicKey, max_bytes: int
) -> T:
    """The document central signed, decoded as `kind`; SignatureRefused (with the reason) for all else."""
    if len(payload) > max_bytes:
        raise SignatureRefused(f"oversized ({len(payload)} bytes, at most {max_bytes})")
    try:
        signed = _wrapper.decode(payload)
    except (msgspec.DecodeError, UnicodeDecodeError):
        raise SignatureRefused("unsigned or malformed (no signature wrapper)") from None
    if len(signed.sig) != 64:
        raise SignatureRefused("unsigned (no Ed25519 signature)")
    try:
        central.verify(signed.sig, domain + signed.doc)
    except InvalidSignature:
        raise SignatureRefused("signature invalid: not signed by central, or tampered with") from None
    try:
        return msgspec.json.decode(signed.doc, type=kind)
    except (msgspec.DecodeError, UnicodeDecodeError) as exc:
        raise SignatureRefused(f"signed but invalid: {exc}") from None
