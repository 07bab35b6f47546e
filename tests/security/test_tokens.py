"""Enrolment tokens live for a sensible time: `provision token --ttl-hours` below or at 0, absurdly large or
not a number is refused with a message, never a token or a traceback (defect 11 of the review)."""

import subprocess
from pathlib import Path

import pytest

from central.fleet.grants import MAX_TOKEN_TTL, token_ttl
from testbed.services import MADOGUCHI, ROOT


def provision_token(data_dir: Path, hours: str) -> subprocess.CompletedProcess[str]:
    argv = [
        *MADOGUCHI,
        "provision",
        "token",
        "--office",
        "honcho",
        "--ttl-hours",
        hours,
        "--central-data",
        str(data_dir),
    ]
    return subprocess.run(argv, capture_output=True, text=True, cwd=ROOT, check=False)


@pytest.mark.parametrize("hours", [-1.0, 0.0, 721.0, 1e12, float("inf"), float("nan")])
def test_a_lifetime_out_of_bounds_is_refused(hours: float) -> None:
    with pytest.raises(ValueError, match="at most 30 days"):
        token_ttl(hours)


def test_the_cli_refuses_with_a_message_and_issues_within_bounds(tmp_path: Path) -> None:
    for hours in ("-1", "1e12", "nan"):
        refused = provision_token(tmp_path, hours)
        assert refused.returncode != 0
        assert "at most 30 days" in refused.stderr
        assert "Traceback" not in refused.stderr
        assert refused.stdout == ""
    issued = provision_token(tmp_path, str(MAX_TOKEN_TTL.total_seconds() / 3600))
    assert issued.returncode == 0, issued.stderr
    assert len(issued.stdout.strip()) >= 32
