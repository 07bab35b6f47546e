"""Queries and waits the spine tests share."""

import json
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session, col

from central.db import make_engine
from central.models import Case, Reject
from testbed.broker import Broker
from testbed.services import ROOT


def central_db(where: Path | str) -> str:
    """A database URL as is, or the SQLite URL of the central whose test workdir this is."""
    return where if isinstance(where, str) else f"sqlite:///{where / 'central' / 'central.db'}"


def count_cases(workdir: Path | str) -> tuple[int, int]:
    """(rows, distinct ids) in central's case table."""
    engine = make_engine(central_db(workdir))
    with Session(engine) as session:
        rows = session.execute(select(func.count()).select_from(Case)).scalar_one()
        distinct = session.execute(select(func.count(func.distinct(col(Case.id))))).scalar_one()
    engine.dispose()
    return rows, distinct


def case_ids(workdir: Path | str) -> set[str]:
    """Every case id central holds."""
    engine = make_engine(central_db(workdir))
    with Session(engine) as session:
        ids = set(session.execute(select(col(Case.id))).scalars())
    engine.dispose()
    return ids


def reject_reasons(workdir: Path | str) -> list[str]:
    """Recorded rejection reasons, oldest first."""
    engine = make_engine(central_db(workdir))
    with Session(engine) as session:
        reasons = list(session.execute(select(col(Reject.reason)).order_by(col(Reject.id))).scalars())
    engine.dispose()
    return reasons


def wait_until(
    condition: Callable[[], bool],
    timeout: float = 60.0,
    what: str = "condition",
    state: Callable[[], object] | None = None,
) -> None:
    """Poll until condition() is true; on a timeout, say what `state()` shows (to debug a CI failure)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    seen = f"; state: {state()}" if state is not None else ""
    raise AssertionError(f"timed out after {timeout}s waiting for {what}{seen}")


async def publish(broker: Broker, items: list[tuple[str, bytes]]) -> None:
    """Publish (topic, payload) pairs at QoS 1 as a test identity that may publish anywhere: what reaches
    central here is whatever got past the broker, so central's own checks are what is tested."""
    async with broker.client(f"test-{uuid.uuid4().hex[:8]}") as client:
        for topic, payload in items:
            await client.publish(topic, payload, qos=1)


def exported(*flags: str) -> list[dict[str, Any]]:
    """`madoguchi central export --format json FLAGS`, one record per line."""
    argv = [sys.executable, "-m", "madoguchi", "central", "export", "--format", "json", *flags]
    out = subprocess.run(argv, check=True, capture_output=True, text=True, cwd=ROOT).stdout
    return [json.loads(line) for line in out.splitlines()]
