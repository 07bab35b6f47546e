"""`madoguchi demo` (what `make demo` runs): starts, takes a submission, exports it, stops on Ctrl-C (even
when started with SIGINT ignored, as a background job of a script is)."""

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import httpx

from testbed.services import ROOT
from tests.spine.helpers import exported, wait_until

JSON = {"content-type": "application/json"}
"""As README's curl sends it."""


class Demo:
    """`madoguchi demo` in a child process, its banner read from its output."""

    def __init__(self, data_dir: Path, log: Path, *, sigint_ignored: bool = False) -> None:
        self.log = log
        argv = [sys.executable, "-m", "madoguchi", "demo", "--data-dir", str(data_dir)]
        if sigint_ignored:  # what `cmd &` in a script does; exec keeps the ignored disposition
            argv = ["sh", "-c", 'trap "" INT; exec "$@"', "sh", *argv]
        with log.open("wb") as out:
            self.process = subprocess.Popen(
                argv,
                stdout=out,
                stderr=subprocess.STDOUT,
                cwd=ROOT,
                start_new_session=True,  # its own process group: a demo that will not stop is killed whole
            )
        wait_until(lambda: "counter unit API" in log.read_text(), timeout=90, what="the demo to start")

    def url(self, label: str) -> str:
        found = re.search(label + r"\s+(\S+)", self.log.read_text())
        assert found is not None, label
        return found.group(1)

    def stop(self) -> None:
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=60)  # the demo gives its processes 15 s, its broker 15 s more
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)  # the demo and everything it started
            raise
        assert "stopping" in self.log.read_text()


def test_demo_round_trip_clean_stop_and_restart_on_the_same_ports_and_data(tmp_path: Path) -> None:
    first = Demo(tmp_path / "demo", tmp_path / "first.out", sigint_ignored=True)  # as a script's `&` job
    try:
        readme_example = (ROOT / "docs" / "examples" / "facts-move-in.json").read_bytes()
        created = httpx.post(first.url("counter unit API"), content=readme_example, headers=JSON, timeout=10)
        assert created.status_code == 201
        sid = created.json()["submission_id"]

        def in_export() -> bool:
            records = exported("--data-dir", str(tmp_path / "demo" / "central"))
            return any(record["id"] == sid for record in records)

        wait_until(in_export, what="the case in the export")
        staff = first.url("staff side")
        login = httpx.post(
            f"{staff}login", data={"name": "demo-staff", "password": "madoguchi-demo"}, timeout=10
        )
        assert login.status_code == 303, "the banner's demo clerk can log in"
    finally:
        first.stop()
    second = Demo(tmp_path / "demo", tmp_path / "second.out")  # at once: the old sockets are in TIME-WAIT
    try:
        assert second.url("kiosk") == first.url("kiosk")
        assert second.url("central") == first.url("central")
        assert in_export(), "the first run's case is still there"
        again = httpx.post(second.url("counter unit API"), content=readme_example, headers=JSON, timeout=10)
        assert again.status_code == 201, "the unit enrolled in the first run simply starts"
    finally:
        second.stop()
