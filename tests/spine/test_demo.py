"""`madoguchi demo` (what `make demo` runs): starts, takes a submission, exports it, stops on Ctrl-C."""

import re
import signal
import subprocess
import sys
from pathlib import Path

import httpx

from testbed.services import ROOT
from tests.spine.helpers import exported, wait_until


def test_demo_round_trip_and_clean_stop(tmp_path: Path) -> None:
    log = tmp_path / "demo.out"
    with log.open("wb") as out:
        demo = subprocess.Popen(
            [sys.executable, "-m", "madoguchi", "demo", "--data-dir", str(tmp_path / "demo")],
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
        )
    try:
        wait_until(lambda: "counter unit API" in log.read_text(), timeout=90, what="the demo to start")
        api = re.search(r"counter unit API\s+(\S+)", log.read_text())
        assert api is not None
        readme_example = (ROOT / "docs" / "examples" / "facts-move-in.json").read_bytes()
        created = httpx.post(api.group(1), content=readme_example, timeout=10)
        assert created.status_code == 201
        sid = created.json()["submission_id"]

        def in_export() -> bool:
            records = exported("--data-dir", str(tmp_path / "demo" / "central"))
            return any(record["id"] == sid for record in records)

        wait_until(in_export, what="the case in the export")
    finally:
        demo.send_signal(signal.SIGINT)
        demo.wait(timeout=30)
    assert "stopping" in log.read_text()
