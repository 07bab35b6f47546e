"""The Pi install's cheap parts, run here: shellcheck on every script, `systemd-analyze verify` on the units
as install.sh lays them out, and the first-boot enrolment steps. (Packages, OTP and LUKS need a Pi.)"""

import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PI = ROOT / "provisioning" / "pi"
SCRIPTS = [PI / "install.sh", *sorted((PI / "bin").iterdir())]


def test_the_scripts_pass_shellcheck() -> None:
    for script in SCRIPTS:
        assert os.access(script, os.X_OK), script
    result = subprocess.run(["shellcheck", *map(str, SCRIPTS)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout


@pytest.fixture
def installed(tmp_path: Path) -> Path:
    """install.sh --files-only into a scratch root that also holds the system's own units and a stub cage."""
    root = tmp_path / "root"
    subprocess.run(
        [
            str(PI / "install.sh"),
            "--files-only",
            "--profile",
            str(ROOT / "device_profiles" / "emulated.toml"),
        ],
        env={**os.environ, "ROOT": str(root)},
        check=True,
    )
    shutil.copytree("/usr/lib/systemd/system", root / "usr/lib/systemd/system", symlinks=True)
    cage = root / "usr/bin/cage"
    cage.parent.mkdir(parents=True)
    cage.write_text("#!/bin/sh\n")
    cage.chmod(0o755)
    return root


def test_the_units_verify_clean(installed: Path) -> None:
    units = sorted((installed / "etc/systemd/system").glob("madoguchi-*.service"))
    assert [unit.name for unit in units] == [
        "madoguchi-edge.service",
        "madoguchi-firstboot.service",
        "madoguchi-kiosk.service",
        "madoguchi-unlock.service",
    ]
    result = subprocess.run(
        ["systemd-analyze", "verify", f"--root={installed}", *map(str, units)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (result.returncode, result.stderr) == (0, "")
    edge = (installed / "etc/systemd/system/madoguchi-edge.service").read_text()
    for line in ("Type=notify", "WatchdogSec=30", "Restart=on-failure", "User=madoguchi"):
        assert line in edge.splitlines()
    assert stat.S_IMODE((installed / "usr/local/lib/madoguchi/edge-start").stat().st_mode) == 0o755


def test_first_boot_moves_the_token_off_the_boot_partition_and_enrols_once(tmp_path: Path) -> None:
    boot, data = tmp_path / "boot", tmp_path / "data"
    boot.mkdir()
    data.mkdir()
    (boot / "madoguchi-enrol.conf").write_text("central=https://central.city.example\ntoken=t0ken\n")
    take = [str(PI / "bin/take-enrolment"), str(boot / "madoguchi-enrol.conf"), str(data), "root"]
    subprocess.run(take, check=True)
    assert not (boot / "madoguchi-enrol.conf").exists()
    assert stat.S_IMODE((data / "enrol.conf").stat().st_mode) == 0o600

    agent = tmp_path / "agent"
    agent.write_text('#!/bin/sh\necho "$@"\n')
    agent.chmod(0o755)
    env = {**os.environ, "MADOGUCHI_EDGE_DATA": str(data), "MADOGUCHI_AGENT": str(agent)}
    start = [str(PI / "bin/edge-start")]
    first = subprocess.run(start, env=env, capture_output=True, text=True, check=True).stdout.split()
    assert first[-4:] == ["--central", "https://central.city.example", "--token", "t0ken"]

    (data / "identity.json").write_text("{}")  # what the agent writes once enrolled
    later = subprocess.run(start, env=env, capture_output=True, text=True, check=True).stdout.split()
    assert "--token" not in later
    assert not (data / "enrol.conf").exists()


def test_a_serial_number_enrolment_passes_the_serial_and_the_office(tmp_path: Path) -> None:
    boot, data = tmp_path / "boot", tmp_path / "data"
    boot.mkdir()
    data.mkdir()
    (boot / "madoguchi-enrol.conf").write_text(
        "central=https://central.city.example\nserial=auto\noffice=kita\n"
    )
    subprocess.run(
        [str(PI / "bin/take-enrolment"), str(boot / "madoguchi-enrol.conf"), str(data), "root"], check=True
    )
    agent = tmp_path / "agent"
    agent.write_text('#!/bin/sh\necho "$@"\n')
    agent.chmod(0o755)
    env = {**os.environ, "MADOGUCHI_EDGE_DATA": str(data), "MADOGUCHI_AGENT": str(agent)}
    argv = subprocess.run([str(PI / "bin/edge-start")], env=env, capture_output=True, text=True, check=True)
    assert argv.stdout.split()[-6:] == [
        "--central",
        "https://central.city.example",
        "--serial",
        "auto",
        "--office",
        "kita",
    ]


@pytest.mark.parametrize(
    "content", ["token=only-a-token\n", "central=https://c.example\ntoken=t\nserial=auto\n", "central=x\n"]
)
def test_a_malformed_enrolment_file_is_left_alone(tmp_path: Path, content: str) -> None:
    (tmp_path / "madoguchi-enrol.conf").write_text(content)
    take = [str(PI / "bin/take-enrolment"), str(tmp_path / "madoguchi-enrol.conf"), str(tmp_path), "root"]
    result = subprocess.run(take, capture_output=True, text=True, check=False)
    assert result.returncode == 1
    assert "needs one central=URL, one token=TOKEN or serial=SERIAL" in result.stderr
    assert (tmp_path / "madoguchi-enrol.conf").exists()
    assert not (tmp_path / "enrol.conf").exists()
