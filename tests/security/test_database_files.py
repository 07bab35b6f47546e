"""central.db holds every citizen's facts: it and its WAL are 0600 in a 0700 directory, and a database left
open to others is closed at start (defect 8 of the review)."""

import logging
import stat
from pathlib import Path

import pytest
from sqlmodel import Session

from central.accounts.service import add_user
from central.db import make_engine


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_database_and_its_wal_are_private(tmp_path: Path) -> None:
    data_dir = tmp_path / "central"
    engine = make_engine(f"sqlite:///{data_dir / 'central.db'}")
    add_user(engine, "someone", "staff", "correct horse battery", ["honcho"], [])  # a write: the WAL exists
    with Session(engine) as session:  # and stays open while it is looked at
        session.connection()
        wal = data_dir / "central.db-wal"
        assert wal.exists()
        assert mode(data_dir) == 0o700
        assert mode(data_dir / "central.db") == 0o600
        assert mode(wal) == 0o600
        assert mode(data_dir / "central.db-shm") == 0o600
    engine.dispose()


def test_a_database_left_open_to_others_is_closed_at_start(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    data_dir = tmp_path / "central"
    data_dir.mkdir(mode=0o755)
    data_dir.chmod(0o755)
    for name in ("central.db", "central.db-wal"):
        (data_dir / name).touch()
        (data_dir / name).chmod(0o644)
    with caplog.at_level(logging.WARNING, logger="central.db"):
        engine = make_engine(f"sqlite:///{data_dir / 'central.db'}")
    assert (mode(data_dir), mode(data_dir / "central.db"), mode(data_dir / "central.db-wal")) == (
        0o700,
        0o600,
        0o600,
    )
    assert sum("open to other users" in record.getMessage() for record in caplog.records) == 3
    engine.dispose()
