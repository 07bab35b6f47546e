"""`madoguchi provision mosquitto-config`: broker files for the units central has enrolled and not revoked."""

import json
import stat
from datetime import UTC, datetime
from pathlib import Path

from click.testing import CliRunner
from cryptography import x509
from sqlmodel import Session

from central.db import make_engine
from central.fleet.dynsec import central_identities
from central.fleet.enrolment import revoke
from central.models import Device
from central.settings import Settings
from provisioning.cli import provision
from provisioning.mosquitto import CONF_FILE, CRL_FILE, DYNSEC_FILE, KEY_FILE


def test_the_config_lets_in_enrolled_units_only_over_mtls(tmp_path: Path) -> None:
    data = tmp_path / "central"
    data.mkdir()
    engine = make_engine(Settings.resolve(data_dir=str(data), db_url=None).db_url)
    kept, gone = (
        Device(id=unit_id, office_id=office, public_key=bytes(32), enrolled_at=datetime.now(UTC))
        for unit_id, office in (("cu-kept", "honcho"), ("cu-gone", "shisho"))
    )
    with Session(engine) as session:
        session.add_all([kept, gone])
        session.commit()
    revoke(engine, "cu-gone")
    out = tmp_path / "broker"
    arguments = ["--central-data", str(data), "--out", str(out), "--host", "broker.city.example"]
    result = CliRunner().invoke(provision, ["mosquitto-config", *arguments, "--host", "10.0.0.5"])
    assert result.exit_code == 0, result.output

    conf = (out / CONF_FILE).read_text().splitlines()
    for line in (
        "allow_anonymous false",
        "listener 8883",
        "require_certificate true",
        "use_identity_as_username true",
        "use_username_as_clientid true",
        f"crlfile {out / CRL_FILE}",
    ):
        assert line in conf
    assert not any(line.startswith("acl_file") for line in conf)
    rules = json.loads((out / DYNSEC_FILE).read_text())
    clients = {client["username"] for client in rules["clients"]}
    assert clients == {"cu-kept", *central_identities()}
    assert {"central-ingest-0", "central-ingest-31", "central-publisher", "central-admin"} <= clients
    assert rules["defaultACLAccess"]["subscribe"] is False
    for name in (KEY_FILE, DYNSEC_FILE, CRL_FILE):
        assert stat.S_IMODE((out / name).stat().st_mode) == 0o600
    cert = x509.load_pem_x509_certificate((out / "server.pem").read_bytes())
    names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert names.get_values_for_type(x509.DNSName) == ["broker.city.example"]

    again = CliRunner().invoke(provision, ["mosquitto-config", *arguments, "--host", "10.0.0.5"])
    assert again.exit_code == 0, again.output
    assert x509.load_pem_x509_certificate((out / "server.pem").read_bytes()) == cert  # not re-issued
