"""Each unit as the fleet console shows it: its last status heartbeat, and the alerts IT must act on.

Alerts come from what the unit said last and from how long ago: offline for long (its last will), a
heartbeat gone silent, the printer out of paper or unreachable, no card reader, a failed camera, an outbox
that keeps growing, a certificate near its end, a configuration it could not apply, refused (forged or
replayed) configurations and commands. Thresholds are constants here; `MADOGUCHI_FLEET_ALERT_SECONDS`
shortens the time-based ones for a demo or a test. Times are shown in the city's time zone.
"""

import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

import msgspec
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from central.city_time import city_zone
from central.fleet.rollout import channel, latest_rollout
from central.fleet.tables import Rollout, UnitChannel
from central.models import Device
from protocol.config import UnitReport
from protocol.messages import Status

CITY_TIME = city_zone()  # the one setting: MADOGUCHI_TIME_ZONE
HEARTBEAT_SILENT = timedelta(seconds=90)
"""Three missed heartbeats (units send one every 30 s)."""
CERTIFICATE_WARNING = timedelta(days=14)


def alert_after() -> timedelta:
    """How long a unit may be offline, or its outbox grow, before it is an alert (default 10 minutes)."""
    return timedelta(seconds=float(os.environ.get("MADOGUCHI_FLEET_ALERT_SECONDS") or 600))


Level = Literal["alert", "warning", "info"]


@dataclass(frozen=True, slots=True)
class Alert:
    """Something about a unit; "alert" needs someone to go there or act now."""

    level: Level
    text: str


@dataclass(frozen=True, slots=True)
class UnitView:
    """One row of the fleet console."""

    device_id: str
    office_id: str
    state: Literal["online", "offline", "unknown"]
    last_heartbeat: str
    software: str
    catalog_version: str
    config: str
    outbox_depth: int
    card: str
    printer: str
    camera: str
    alerts: list[Alert]
    last_command: str
    """The last remote command the unit ran and its outcome ("" if none)."""

    @property
    def worst(self) -> str:
        """The most serious alert level, for the row's colour ("" when all is well)."""
        levels = {alert.level for alert in self.alerts}
        return next((level for level in ("alert", "warning") if level in levels), "")


def _aware(moment: datetime | None) -> datetime | None:
    return moment if moment is None or moment.tzinfo else moment.replace(tzinfo=UTC)


def _moment(text: str) -> datetime | None:
    """An ISO 8601 time a unit reported, or None if it is not one."""
    try:
        return _aware(datetime.fromisoformat(text))
    except ValueError:
        return None


def city_time(moment: datetime | None) -> str:
    """`MM-DD HH:MM:SS` in the city's time zone, or — for never."""
    moment = _aware(moment)
    return moment.astimezone(CITY_TIME).strftime("%m-%d %H:%M:%S") if moment else "—"


def _minutes(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    return f"{seconds // 60}分" if seconds >= 60 else f"{seconds}秒"


PRINTER_ALERTS: dict[str, tuple[Level, str]] = {
    "paper_out": ("alert", "プリンターの用紙切れ"),
    "paper_near_end": ("warning", "プリンターの用紙残りわずか"),
    "cover_open": ("alert", "プリンターのカバーが開いています"),
    "offline": ("alert", "プリンターがオフラインです"),
    "unreachable": ("alert", "プリンターに接続できません"),
}
PRINTER_NAMES = {
    "ready": "正常",
    "paper_near_end": "用紙残少",
    "paper_out": "用紙切れ",
    "cover_open": "カバー開",
    "offline": "オフライン",
    "unreachable": "接続不可",
    "unknown": "不明",
}
CARD_NAMES = {"no_reader": "リーダーなし", "empty": "待機中", "present": "カード挿入中"}
CAMERA_NAMES = {"running": "動作中", "stopped": "停止中", "failed": "故障"}


def _connection_alerts(row: UnitChannel, now: datetime) -> list[Alert]:
    offline_since, heartbeat = _aware(row.offline_since), _aware(row.last_heartbeat)
    if not row.online and offline_since is not None and now - offline_since >= alert_after():
        return [Alert("alert", f"オフラインが続いています（{_minutes(now - offline_since)}）")]
    if row.online and heartbeat is not None and now - heartbeat > HEARTBEAT_SILENT:
        return [Alert("alert", f"ハートビートが途絶えています（{_minutes(now - heartbeat)}）")]
    return []


def _hardware_alerts(hardware: dict[str, Any]) -> list[Alert]:
    alerts = []
    printer = str(hardware.get("printer"))  # a unit's word: whatever it sent, never a crash here
    if printer in PRINTER_ALERTS:
        alerts.append(Alert(*PRINTER_ALERTS[printer]))
    if hardware.get("card") == "no_reader":
        alerts.append(Alert("alert", "カードリーダーが見つかりません"))
    if hardware.get("camera") == "failed":
        alerts.append(Alert("alert", "カメラが故障しています"))
    return alerts


def _report_alerts(report: UnitReport, row: UnitChannel, now: datetime) -> list[Alert]:
    alerts = []
    if report.config_error:
        alerts.append(Alert("alert", f"設定を適用できません：{report.config_error}"))
    elif report.config_version != row.target_version and row.online:
        alerts.append(Alert("info", f"設定 v{row.target_version} の適用待ち"))
    if report.refused:
        alerts.append(
            Alert("warning", f"拒否した設定・コマンド {report.refused}件（最後：{report.last_refusal}）")
        )
    expires = _moment(report.certificate_expires)
    if expires is not None and expires - now < CERTIFICATE_WARNING:
        when = expires.astimezone(CITY_TIME).strftime("%Y-%m-%d")
        if expires <= now:
            alerts.append(Alert("alert", f"証明書の期限が切れています（{when}）"))
        else:
            alerts.append(Alert("warning", f"証明書の期限が近づいています（{when}）"))
    return alerts


def unit_view(device: Device, row: UnitChannel, now: datetime) -> UnitView:
    """The console's row for one unit."""
    status = msgspec.json.decode(row.status, type=Status) if row.status else None
    hardware = status.hardware if status and row.online else {}  # an offline unit's devices are unknown
    report = status.fleet if status and status.fleet else None
    alerts = _connection_alerts(row, now)
    if status is not None and row.online:
        alerts += _hardware_alerts(hardware)
        backlog = _aware(row.backlog_since)
        if backlog is not None and now - backlog >= alert_after():
            alerts.append(Alert("alert", f"未送信が増え続けています（{status.outbox_depth}件）"))
    if report is not None:
        alerts += _report_alerts(report, row, now)
    applied = report.config_version if report and report.config_version >= 0 else None
    return UnitView(
        device_id=device.id,
        office_id=device.office_id,
        state="unknown" if status is None else "online" if row.online else "offline",
        last_heartbeat=city_time(row.last_heartbeat),
        software=status.software if status else "—",
        catalog_version=report.catalog_version if report else "—",
        config=f"v{applied} / 目標 v{row.target_version}"
        if applied is not None
        else f"— / 目標 v{row.target_version}",
        outbox_depth=status.outbox_depth if status else 0,
        card=CARD_NAMES.get(str(hardware.get("card")), "—"),
        printer=PRINTER_NAMES.get(str(hardware.get("printer")), "—"),
        camera=CAMERA_NAMES.get(str(hardware.get("camera")), "—"),
        alerts=alerts,
        last_command=report.last_command if report else "",
    )


@dataclass(frozen=True, slots=True)
class RolloutView:
    """The latest rollout, as the console shows it."""

    id: int
    version: int
    previous_version: int
    pilot: list[str]
    stage: str
    reason: str

    @classmethod
    def of(cls, row: Rollout) -> "RolloutView":
        """The view of a rollout row."""
        pilot = json.loads(row.pilot)
        return cls(row.id or 0, row.version, row.previous_version, pilot, row.stage, row.reason)


@dataclass(frozen=True, slots=True)
class FleetView:
    """The whole console: every unrevoked unit, and the latest rollout (also the JSON of /api/staff/fleet)."""

    units: list[UnitView]
    rollout: "RolloutView | None"
    at: str


def fleet_view(engine: Engine, now: datetime | None = None) -> FleetView:
    """Every enrolled, unrevoked unit, by office and id."""
    now = now or datetime.now(UTC)
    with Session(engine) as session:
        devices = session.exec(
            select(Device)
            .where(col(Device.revoked_at).is_(None))
            .order_by(col(Device.office_id), col(Device.id))
        ).all()
        units = [unit_view(device, channel(session, device.id), now) for device in devices]
        session.commit()
        rollout = latest_rollout(session)
        return FleetView(units, RolloutView.of(rollout) if rollout else None, city_time(now))
