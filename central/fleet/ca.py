"""The city CA's certificates, as pure functions: a CA, client and server certificates, CRLs, renewal.

Everything the broker trusts comes from here: a self-signed ECDSA P-256 CA (P-256 is what every TLS stack a
counter unit or broker runs can verify), client certificates for counter units (from a CSR made on the
unit) and for central's own MQTT identities, the broker's server certificate, and the CRL. The CA decides
every certificate's subject: a CSR's requested subject and extensions are never copied. Nothing here reads
or writes files (`central/fleet/ca_store.py` keeps the CA's directory) and nothing here logs.
"""

import re
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from ipaddress import IPv4Address, IPv6Address, ip_address

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

CA_VALIDITY = timedelta(days=20 * 365)
"""Long enough to outlive the hardware; rolling the CA means re-enrolling every unit."""
CLIENT_VALIDITY = timedelta(days=365)
SERVER_VALIDITY = timedelta(days=365)
CRL_VALIDITY = timedelta(days=365)
"""OpenSSL refuses every client once the CRL's next-update time has passed, so it is far off and the CRL is
re-signed well before (`crl_due`); freshness does not matter here, the broker reads a local file."""
CRL_REFRESH_BEFORE = timedelta(days=90)
BACKDATE = timedelta(minutes=5)
"""Certificates start a little in the past, so a unit whose clock lags slightly accepts them at once."""

CENTRAL_PREFIX = "central-"
"""Identities (certificate CNs, hence MQTT user names and client ids) reserved for central's processes."""
IDENTITY = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")
"""What an MQTT identity may be: no `/`, `+`, `#` or spaces, so it is safe in topics and in the ACL file."""


class CertificateRefused(ValueError):  # noqa: N818 - reads as the outcome at the call site
    """A CSR, key or identity the CA will not certify."""


def check_identity(name: str, *, central: bool) -> str:
    """Return name if it may be a unit's (central=False) or central's (central=True) identity."""
    if not IDENTITY.fullmatch(name):
        raise CertificateRefused(f"not a valid identity: {name!r}")
    if name.startswith(CENTRAL_PREFIX) != central:
        side = "central's identities start" if central else "a unit's identity must not start"
        raise CertificateRefused(f"{side} with {CENTRAL_PREFIX!r}: {name!r}")
    return name


def new_key() -> ec.EllipticCurvePrivateKey:
    """A fresh ECDSA P-256 key (the CA's, the broker's, central's identities' and one-off keys)."""
    return ec.generate_private_key(ec.SECP256R1())


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _key_usage(*, cert_sign: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=not cert_sign,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=cert_sign,
        crl_sign=cert_sign,
        encipher_only=False,
        decipher_only=False,
    )


def create_ca(key: ec.EllipticCurvePrivateKey, common_name: str, now: datetime) -> x509.Certificate:
    """The self-signed CA certificate: may sign certificates and CRLs, and nothing else."""
    public = key.public_key()
    return (
        x509.CertificateBuilder()
        .subject_name(_name(common_name))
        .issuer_name(_name(common_name))
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - BACKDATE)
        .not_valid_after(now + CA_VALIDITY)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(cert_sign=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .sign(key, hashes.SHA256())
    )


def _leaf(
    ca_key: ec.EllipticCurvePrivateKey,
    ca_cert: x509.Certificate,
    public: ec.EllipticCurvePublicKey,
    common_name: str,
    now: datetime,
    validity: timedelta,
) -> x509.CertificateBuilder:
    if not isinstance(public, ec.EllipticCurvePublicKey) or not isinstance(public.curve, ec.SECP256R1):
        raise CertificateRefused("the key must be ECDSA P-256")
    ca_ski = ca_cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    return (
        x509.CertificateBuilder()
        .subject_name(_name(common_name))
        .issuer_name(ca_cert.subject)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - BACKDATE)
        .not_valid_after(min(now + validity, ca_cert.not_valid_after_utc))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(cert_sign=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski), critical=False)
    )


def issue_client(
    ca_key: ec.EllipticCurvePrivateKey,
    ca_cert: x509.Certificate,
    public: ec.EllipticCurvePublicKey,
    identity: str,
    now: datetime,
    validity: timedelta = CLIENT_VALIDITY,
) -> x509.Certificate:
    """A TLS client certificate (EKU clientAuth only) whose CN is the identity the CA chose."""
    builder = _leaf(ca_key, ca_cert, public, identity, now, validity).add_extension(
        x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False
    )
    return builder.sign(ca_key, hashes.SHA256())


def public_key_of_csr(csr_pem: bytes) -> ec.EllipticCurvePublicKey:
    """The key a CSR asks to certify, once its self-signature proves the requester holds the private key.

    Only the key is taken from the CSR; its subject and requested extensions are ignored.
    """
    try:
        csr = x509.load_pem_x509_csr(csr_pem)
    except ValueError as exc:
        raise CertificateRefused("not a PEM certificate signing request") from exc
    if not csr.is_signature_valid:
        raise CertificateRefused("the CSR's signature does not verify")
    public = csr.public_key()
    if not isinstance(public, ec.EllipticCurvePublicKey) or not isinstance(public.curve, ec.SECP256R1):
        raise CertificateRefused("the key must be ECDSA P-256")
    return public


def _san(hosts: Iterable[str]) -> list[x509.GeneralName]:
    names: list[x509.GeneralName] = []
    for host in hosts:
        try:
            address: IPv4Address | IPv6Address = ip_address(host)
        except ValueError:
            names.append(x509.DNSName(host))
        else:
            names.append(x509.IPAddress(address))
    return names


def issue_server(
    ca_key: ec.EllipticCurvePrivateKey,
    ca_cert: x509.Certificate,
    public: ec.EllipticCurvePublicKey,
    hosts: Sequence[str],
    now: datetime,
    validity: timedelta = SERVER_VALIDITY,
) -> x509.Certificate:
    """The broker's certificate (EKU serverAuth only) for the host names and addresses units connect to."""
    if not hosts:
        raise CertificateRefused("the broker's certificate needs at least one host name or address")
    builder = (
        _leaf(ca_key, ca_cert, public, hosts[0], now, validity)
        .add_extension(x509.SubjectAlternativeName(_san(hosts)), critical=False)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
    )
    return builder.sign(ca_key, hashes.SHA256())


def build_crl(
    ca_key: ec.EllipticCurvePrivateKey,
    ca_cert: x509.Certificate,
    revoked: Iterable[tuple[int, datetime]],
    number: int,
    last_update: datetime,
) -> x509.CertificateRevocationList:
    """A CRL listing (serial, revoked at) pairs, numbered so a newer CRL is recognisable.

    last_update must be later (by a second at least) than every earlier CRL's: mosquitto adds each CRL it
    re-reads to those it already holds, and OpenSSL then checks against the one with the latest last-update
    (at one-second resolution; on a tie, the oldest).
    """
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(ca_cert.subject)
        .last_update(last_update)
        .next_update(last_update + CRL_VALIDITY)
        .add_extension(x509.CRLNumber(number), critical=False)
    )
    for serial, when in revoked:
        entry = x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(when).build()
        builder = builder.add_revoked_certificate(entry)
    return builder.sign(ca_key, hashes.SHA256())


def crl_due(crl: x509.CertificateRevocationList, now: datetime) -> bool:
    """Whether the CRL should be re-signed now, long before OpenSSL would call it expired."""
    next_update = crl.next_update_utc
    return next_update is None or next_update - now < CRL_REFRESH_BEFORE
