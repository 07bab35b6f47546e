"""The rollout's rules and what central's fleet loop decides to publish, on a real SQLite database: when a
rollout halts (an error, a pilot offline too long), what promote and start refuse, which version a unit gets,
and which units get a new document (a rotated counter key: all of them; a revoked unit: an empty one)."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import msgspec
import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519
from sqlalchemy import Engine
from sqlmodel import Session

from central.db import make_engine
from central.fleet.channel import CLEARED, due_configs, record, record_status
from central.fleet.counter_keys import load_counter_keys, rotate
from central.fleet.health import fleet_view
from central.fleet.rollout import RolloutRefused, halt_if_failing, new_version, promote, rollback, start
from central.fleet.tables import UnitChannel
from central.models import Device
from protocol import topics
from protocol.config import UnitReport, open_config
from protocol.messages import Status

SIGNER = ed25519.Ed25519PrivateKey.generate()
T0 = datetime(2026, 4, 1, 0, 0, tzinfo=UTC)


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    engine = make_engine(f"sqlite:///{tmp_path / 'central.db'}")
    with Session(engine) as session:
        for unit in ("cu-a", "cu-b", "cu-c"):
            session.add(Device(id=unit, office_id="honcho", public_key=bytes(32), enrolled_at=T0))
        session.commit()
    return engine


def heartbeat(engine: Engine, unit: str, report: UnitReport | None = None, state: str = "online") -> None:
    status = Status(state="online" if state == "online" else "offline", fleet=report)
    record_status(engine, topics.status(unit), msgspec.json.encode(status), datetime.now(UTC))


def publish_all(engine: Engine, tmp_path: Path) -> dict[str, int]:
    """Run the loop's publishing decision and record it as published; the issued_ms per unit."""
    pushes = due_configs(engine, load_counter_keys(tmp_path), SIGNER)
    for push in pushes:
        record(engine, push)
    return {push.device_id: push.issued_ms for push in pushes}


def applied(engine: Engine, unit: str, version: int, issued_ms: int, error: str = "") -> None:
    heartbeat(
        engine, unit, UnitReport(config_version=version, config_issued_ms=issued_ms, config_error=error)
    )


def targets(engine: Engine) -> dict[str, int]:
    with Session(engine) as session:
        return {unit: session.get(UnitChannel, unit).target_version for unit in ("cu-a", "cu-b", "cu-c")}  # type: ignore[union-attr]


def test_a_pilot_that_reports_an_error_halts_the_rollout_and_the_rest_never_get_it(
    engine: Engine, tmp_path: Path
) -> None:
    assert set(publish_all(engine, tmp_path)) == {"cu-a", "cu-b", "cu-c"}  # version 0 to everyone
    version, _ = new_version(engine, {"catalog_version": "2099.1"})
    start(engine, version, ["cu-a"], timedelta(minutes=10))
    issued = publish_all(engine, tmp_path)
    assert set(issued) == {"cu-a"}
    assert halt_if_failing(engine, datetime.now(UTC)) == ""
    applied(engine, "cu-a", 0, issued["cu-a"] - 1, "an error about an older document")
    assert halt_if_failing(engine, datetime.now(UTC)) == ""  # only an error for this document counts
    error = "catalog version 2099.1 required, this unit runs 2026.12.1"
    applied(engine, "cu-a", 0, issued["cu-a"], error)
    assert halt_if_failing(engine, datetime.now(UTC)) == f"cu-a could not apply version {version}: {error}"
    with pytest.raises(RolloutRefused, match="latest: halted"):
        promote(engine)
    with pytest.raises(RolloutRefused, match="roll it back first"):
        start(engine, version, ["cu-b"], timedelta(minutes=10))
    assert targets(engine) == {"cu-a": version, "cu-b": 0, "cu-c": 0}
    rollback(engine)
    assert targets(engine) == {"cu-a": 0, "cu-b": 0, "cu-c": 0}
    assert set(publish_all(engine, tmp_path)) == {"cu-a"}  # a newly signed version 0 for the pilot


def test_a_pilot_offline_too_long_halts_the_rollout(engine: Engine, tmp_path: Path) -> None:
    version, _ = new_version(engine, {"ticket_prefix": "B"})
    rollout = start(engine, version, ["cu-b"], timedelta(minutes=10))
    heartbeat(engine, "cu-b", state="offline")
    started = rollout.started_at.replace(tzinfo=UTC)
    assert halt_if_failing(engine, started + timedelta(minutes=9)) == ""
    assert (
        halt_if_failing(engine, datetime.now(UTC) + timedelta(minutes=11))
        == "cu-b offline for more than 600 s"
    )
    shown = msgspec.to_builtins(fleet_view(engine))["rollout"]  # as the console and its JSON show it
    assert shown == {
        "id": rollout.id,
        "version": version,
        "previous_version": 0,
        "pilot": ["cu-b"],
        "stage": "halted",
        "reason": "cu-b offline for more than 600 s",
    }


def test_promote_waits_for_every_pilot_then_every_unit_and_new_ones_get_the_version(
    engine: Engine, tmp_path: Path
) -> None:
    publish_all(engine, tmp_path)
    version, settings = new_version(engine, {"ticket_prefix": "B", "idle_seconds": 120})
    assert new_version(engine, {"idle_seconds": None})[1].ticket_prefix == "B"  # a version builds on the last
    with pytest.raises(RolloutRefused, match="invalid setting"):
        new_version(engine, {"ticket_prefix": "b1"})
    with pytest.raises(RolloutRefused, match="unknown or revoked: cu-zz"):
        start(engine, version, ["cu-zz"], timedelta(minutes=10))
    start(engine, version, ["cu-a", "cu-b"], timedelta(minutes=10))
    issued = publish_all(engine, tmp_path)
    applied(engine, "cu-a", version, issued["cu-a"])
    with pytest.raises(RolloutRefused, match=r"not applied version \d+ yet: cu-b"):
        promote(engine)
    applied(engine, "cu-b", version, issued["cu-b"])
    promote(engine)
    assert targets(engine) == {"cu-a": version, "cu-b": version, "cu-c": version}
    document = open_config(_payload_for(engine, tmp_path, "cu-c"), "cu-c", SIGNER.public_key(), 0)
    assert document.version == version
    assert document.settings == settings
    with Session(engine) as session:
        session.add(Device(id="cu-new", office_id="honcho", public_key=bytes(32), enrolled_at=T0))
        session.commit()
    assert _payload_for(engine, tmp_path, "cu-new")
    with Session(engine) as session:
        assert session.get(UnitChannel, "cu-new").target_version == version  # type: ignore[union-attr]


def _payload_for(engine: Engine, tmp_path: Path, unit: str) -> bytes:
    pushes = [
        push for push in due_configs(engine, load_counter_keys(tmp_path), SIGNER) if push.device_id == unit
    ]
    for push in pushes:
        record(engine, push)
    return pushes[0].payload


def test_a_rotated_counter_key_goes_to_every_unit_and_a_revoked_unit_gets_an_empty_configuration(
    engine: Engine, tmp_path: Path
) -> None:
    publish_all(engine, tmp_path)
    assert publish_all(engine, tmp_path) == {}  # nothing changed: nothing published
    new = rotate(tmp_path, "cu-c")
    with Session(engine) as session:
        device = session.get(Device, "cu-c")
        assert device is not None
        device.revoked_at = datetime.now(UTC)
        session.commit()
    pushes = {push.device_id: push for push in due_configs(engine, load_counter_keys(tmp_path), SIGNER)}
    assert set(pushes) == {"cu-a", "cu-b", "cu-c"}
    assert pushes["cu-c"].payload == b""
    assert pushes["cu-c"].marker == CLEARED
    opened = open_config(pushes["cu-a"].payload, "cu-a", SIGNER.public_key(), 0)
    assert opened.counter_key == new.raw
    for push in pushes.values():
        record(engine, push)
    assert publish_all(engine, tmp_path) == {}


def test_the_console_shows_what_units_say_and_survives_what_a_hostile_one_says(engine: Engine) -> None:
    soon = (datetime.now(UTC) + timedelta(days=3)).isoformat()
    statuses = {
        "cu-a": Status(
            state="online",
            outbox_depth=4,
            hardware={"printer": "paper_out", "card": "no_reader", "camera": "failed"},
            fleet=UnitReport(
                config_version=0, certificate_expires=soon, refused=2, last_refusal="command: expired"
            ),
        ),
        "cu-b": Status(
            state="online",
            hardware={"printer": ["not", "a", "state"], "card": {"x": 1}},
            fleet=UnitReport(certificate_expires="not a time", config_error="<script>"),
        ),
    }
    for unit, status in statuses.items():
        record_status(engine, topics.status(unit), msgspec.json.encode(status), datetime.now(UTC))
    record_status(
        engine, topics.status("cu-unknown"), msgspec.json.encode(statuses["cu-a"]), datetime.now(UTC)
    )
    record_status(engine, topics.status("cu-c"), b"{not json", datetime.now(UTC))
    view = {unit.device_id: unit for unit in fleet_view(engine).units}
    assert set(view) == {"cu-a", "cu-b", "cu-c"}
    texts = [alert.text for alert in view["cu-a"].alerts]
    assert "プリンターの用紙切れ" in texts
    assert "カードリーダーが見つかりません" in texts
    assert "カメラが故障しています" in texts
    assert "拒否した設定・コマンド 2件（最後：command: expired）" in texts
    assert any(text.startswith("証明書の期限が近づいています") for text in texts)
    assert view["cu-a"].worst == "alert"
    assert view["cu-a"].outbox_depth == 4
    assert [alert.text for alert in view["cu-b"].alerts] == ["設定を適用できません：<script>"]
    assert view["cu-b"].printer == "—"
    assert view["cu-c"].state == "unknown"
