"""`madoguchi provision init` makes central's keys, the city CA, central's MQTT identities and the broker's
files once, and a second run changes nothing and says so; `provision token` and `serial` refuse nonsense.
(Every test that uses the test bed's broker runs on what `init` wrote.)"""

import json
import stat
from pathlib import Path

from click.testing import CliRunner
from cryptography import x509

from central.fleet.setup import SETUP_FILE, BrokerSetup
from provisioning.cli import provision


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(provision, list(args))
    return result.exit_code, result.output


def made_by_init(root: Path) -> list[Path]:
    """Every file under root but the database (central's own, opened by init to read the enrolled units)."""
    return [
        path for path in sorted(root.rglob("*")) if path.is_file() and not path.name.startswith("central.db")
    ]


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(path.relative_to(root)): path.read_bytes() for path in made_by_init(root)}


def test_init_makes_everything_once_and_a_second_run_changes_nothing(tmp_path: Path) -> None:
    data, broker = tmp_path / "central", tmp_path / "broker"
    flags = ["--central-data", str(data), "--broker-dir", str(broker), "--broker-host", "broker.city.example"]
    flags += ["--broker-host", "10.0.0.5", "--ingest-workers", "2"]
    code, output = run("init", *flags)
    assert code == 0, output
    lines = output.splitlines()
    for expected in (
        f"created {data / 'city-sealing.key'}",
        f"created {data / 'counter.key'}",
        f"created {data / 'central-signing.key'}",
        f"created the city CA in {data / 'fleet-ca'}",
        "issued a certificate for central-ingest-0",
        "issued a certificate for central-ingest-1",
        "issued a certificate for central-publisher",
        "issued a certificate for central-admin",
        f"wrote {broker / 'mosquitto.conf'}",
        f"wrote {broker / 'dynamic-security.json'}",
        f"wrote {broker / 'crl.pem'}",
        f"recorded the broker (mqtts://broker.city.example:8883) in {data / SETUP_FILE}",
    ):
        assert expected in lines, expected
    setup = BrokerSetup.load(data)
    assert setup is not None
    assert setup.reload_command == ("systemctl", "reload", "mosquitto")
    assert setup.broker_dir == broker.resolve()
    for path in made_by_init(tmp_path):
        if path.name != "ca.lock":
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    client = x509.load_pem_x509_certificate((data / "mqtt-clients" / "central-ingest-1.pem").read_bytes())
    assert client.subject.rfc4514_string() == "CN=central-ingest-1"
    rules = json.loads((broker / "dynamic-security.json").read_text())
    assert len(rules["clients"]) == 34, "every ingest identity central may ever run, its publisher and admin"

    before = snapshot(tmp_path)
    code, output = run("init", *flags)
    assert (code, output) == (0, "changed nothing: everything was in place\n")
    assert snapshot(tmp_path) == before

    code, output = run("init", *flags[:-1], "3")
    assert (code, output.splitlines()) == (0, ["issued a certificate for central-ingest-2", "1 change(s)"])


def test_a_token_must_live_and_a_serial_must_look_like_one(tmp_path: Path) -> None:
    data = ["--central-data", str(tmp_path / "central")]
    for hours in ("0", "-1"):
        code, output = run("token", *data, "--office", "honcho", "--ttl-hours", hours)
        assert code == 2, output
        assert "--ttl-hours" in output
    code, output = run("token", *data, "--office", "honcho/#")
    assert (code, "not a valid office id" in output) == (1, True)
    code, output = run("serial", "add", *data, "--office", "honcho", "not a serial")
    assert (code, "not a serial number" in output) == (1, True)
    assert run("serial", "approve", *data, "12345678")[0] == 1
    assert run("serial", "add", *data, "--office", "honcho", "DEADBEEF")[0] == 0
    assert run("serial", "list", *data)[1] == "deadbeef\thoncho\tnot approved\n"
