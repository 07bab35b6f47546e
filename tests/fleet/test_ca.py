"""The city CA: what it certifies, what it refuses, how it keeps its directory, and its CRL."""

import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from central.fleet import ca
from central.fleet.ca_store import CA_DIR, CityCA
from protocol.enrolment import renewal_due


def csr_for(key: ec.EllipticCurvePrivateKey | ed25519.Ed25519PrivateKey, name: str = "cu-evil") -> bytes:
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    builder = x509.CertificateSigningRequestBuilder().subject_name(subject)
    builder = builder.add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
    algorithm = None if isinstance(key, ed25519.Ed25519PrivateKey) else hashes.SHA256()
    return builder.sign(key, algorithm).public_bytes(serialization.Encoding.PEM)


def test_the_ca_directory_is_private_and_reloads_to_the_same_ca(authority: CityCA, tmp_path: Path) -> None:
    directory = tmp_path / "central" / CA_DIR
    for path in directory.iterdir():
        if path.name != "ca.lock":
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    assert b"PRIVATE" not in authority.cert_pem
    again = CityCA.load_or_create(tmp_path / "central")
    assert again.cert_pem == authority.cert_pem
    constraints = authority.cert.extensions.get_extension_for_class(x509.BasicConstraints).value
    assert constraints.ca
    assert isinstance(authority.cert.public_key(), ec.EllipticCurvePublicKey)


def test_a_unit_certificate_carries_the_name_the_ca_chose_and_only_client_auth(authority: CityCA) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.now(UTC)
    cert = x509.load_pem_x509_certificate(authority.certify_unit("cu-0a1b2c", csr_for(key), now))
    assert cert.subject.rfc4514_string() == "CN=cu-0a1b2c"
    assert cert.public_key() == key.public_key()
    assert cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value == x509.ExtendedKeyUsage(
        [ExtendedKeyUsageOID.CLIENT_AUTH]
    )
    assert not cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca  # the CSR asked for CA
    assert cert.not_valid_after_utc == (now + ca.CLIENT_VALIDITY).replace(microsecond=0)
    cert.verify_directly_issued_by(authority.cert)
    assert not renewal_due(cert, now)
    assert renewal_due(cert, now + ca.CLIENT_VALIDITY - timedelta(days=29))
    other = x509.load_pem_x509_certificate(authority.certify_unit("cu-0a1b2d", csr_for(key)))
    assert other.serial_number != cert.serial_number


def test_the_ca_refuses_bad_requests_and_reserved_names(authority: CityCA) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    good = csr_for(key)
    der = (
        x509.load_pem_x509_csr(good).public_bytes(serialization.Encoding.DER).replace(b"cu-evil", b"cu-evim")
    )
    tampered = x509.load_der_x509_csr(der).public_bytes(
        serialization.Encoding.PEM
    )  # signature no longer fits
    refused = [
        ("cu-a", tampered),
        ("cu-a", b"not a csr"),
        ("cu-a", csr_for(ed25519.Ed25519PrivateKey.generate())),
        ("cu-a", csr_for(ec.generate_private_key(ec.SECP384R1()))),
        ("central-ingest-0", good),
        ("cu/a", good),
        ("CU-A", good),
        ("cu+#", good),
    ]
    for unit_id, csr in refused:
        with pytest.raises(ca.CertificateRefused):
            authority.certify_unit(unit_id, csr)
    with pytest.raises(ca.CertificateRefused):
        authority.issue_central("cu-a")
    assert authority.certificates() == []


def test_the_broker_certificate_names_its_hosts_for_server_auth_only(authority: CityCA) -> None:
    server = authority.issue_broker(["broker.city.example", "192.0.2.10", "::1"])
    cert = x509.load_pem_x509_certificate(server.cert_pem)
    names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert names.get_values_for_type(x509.DNSName) == ["broker.city.example"]
    assert [str(ip) for ip in names.get_values_for_type(x509.IPAddress)] == ["192.0.2.10", "::1"]
    usage = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert list(usage) == [ExtendedKeyUsageOID.SERVER_AUTH]
    assert "key_pem" not in repr(server)


def test_revocation_is_recorded_and_signed_into_a_newer_crl(authority: CityCA) -> None:
    first = x509.load_pem_x509_crl(authority.crl_pem())
    assert list(first) == []
    unit = authority.certify_unit("cu-a", csr_for(ec.generate_private_key(ec.SECP256R1())))
    serial = x509.load_pem_x509_certificate(unit).serial_number
    central = authority.issue_central("central-ingest-0")

    assert authority.revoke("cu-a") == [serial]
    assert authority.revoke("cu-a") == []  # already revoked
    crl = x509.load_pem_x509_crl(authority.crl_pem())
    assert crl.is_signature_valid(authority.cert.public_key())  # type: ignore[arg-type]
    assert [entry.serial_number for entry in crl] == [serial]
    number = crl.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number
    assert number > first.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number
    assert crl.last_update_utc > first.last_update_utc

    central_serial = x509.load_pem_x509_certificate(central.cert_pem).serial_number
    authority.revoke_serial(central_serial)
    assert {entry.serial_number for entry in x509.load_pem_x509_crl(authority.crl_pem())} == {
        serial,
        central_serial,
    }
    with pytest.raises(KeyError):
        authority.revoke_serial(12345)
    kinds = {item.identity: (item.kind, item.revoked_at is not None) for item in authority.certificates()}
    assert kinds == {"cu-a": ("unit", True), "central-ingest-0": ("central", True)}


def test_the_crl_is_re_signed_long_before_openssl_would_call_it_stale(authority: CityCA) -> None:
    current = x509.load_pem_x509_crl(authority.crl_pem())
    assert not ca.crl_due(current, datetime.now(UTC))
    later = datetime.now(UTC) + ca.CRL_VALIDITY - ca.CRL_REFRESH_BEFORE + timedelta(days=1)
    assert ca.crl_due(current, later)
    fresh = x509.load_pem_x509_crl(authority.crl_pem(now=later))
    assert fresh.next_update_utc is not None
    assert fresh.next_update_utc > later + ca.CRL_REFRESH_BEFORE
