"""The secret-file writer: 0600, created once or replaced whole, never leaving a temporary file behind."""

import stat
from pathlib import Path

import pytest

from protocol.secret_file import write_secret_file


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_file_is_owner_only_and_its_folder_is_made(tmp_path: Path) -> None:
    path = tmp_path / "data" / "device.key"
    write_secret_file(path, b"secret")
    assert path.read_bytes() == b"secret"
    assert mode(path) == 0o600


def test_creating_refuses_an_existing_file_and_leaves_it_alone(tmp_path: Path) -> None:
    path = tmp_path / "city-sealing.key"
    write_secret_file(path, b"first")
    with pytest.raises(FileExistsError):
        write_secret_file(path, b"second")
    assert path.read_bytes() == b"first"


def test_replacing_writes_a_new_owner_only_file(tmp_path: Path) -> None:
    path = tmp_path / "identity.json"
    path.write_bytes(b"old")
    path.chmod(0o644)
    write_secret_file(path, b"new", replace=True)
    assert path.read_bytes() == b"new"
    assert mode(path) == 0o600
    assert [item.name for item in tmp_path.iterdir()] == ["identity.json"]
