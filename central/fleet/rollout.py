"""Configuration versions and staged rollouts: what IT decides, as database changes (the fleet loop pushes).

A rollout gives a new settings version to its pilot units first; every other unit keeps the previous one.
It halts by itself (`halt_if_failing`, run by central's fleet loop) when a pilot unit reports that it could
not apply the version, or stays offline longer than the rollout allows; a halted rollout goes no further.
IT promotes a pilot whose every unit applied the version cleanly (then every unit gets it), or rolls back
(every unit that has the version gets the previous one again, in a newly signed document). One rollout at a
time: a new one starts once the last reached the fleet or was rolled back.
"""

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import msgspec
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from central.fleet.tables import ConfigVersion, Rollout, RolloutStage, UnitChannel
from central.models import Device
from protocol.config import UnitReport, UnitSettings
from protocol.messages import Status

ACTIVE = (RolloutStage.PILOT, RolloutStage.HALTED)


class RolloutRefused(ValueError):  # noqa: N818 - reads as the outcome at the call site
    """What IT asked cannot be done now; the message says why."""


def settings_of(session: Session, version: int) -> UnitSettings:
    """The settings of a version (0: none, the units' own)."""
    if version == 0:
        return UnitSettings()
    row = session.get(ConfigVersion, version)
    if row is None:
        raise RolloutRefused(f"no configuration version {version}")
    return msgspec.json.decode(row.settings, type=UnitSettings)


def latest_version(session: Session) -> int:
    """The newest configuration version (0 if there is none)."""
    row = session.exec(select(ConfigVersion).order_by(col(ConfigVersion.version).desc())).first()
    return row.version if row else 0


def new_version(engine: Engine, changes: dict[str, object], note: str = "") -> tuple[int, UnitSettings]:
    """A new version: the newest one's settings with `changes` (a None value drops a setting)."""
    with Session(engine) as session:
        base = msgspec.to_builtins(settings_of(session, latest_version(session)))
        merged = {key: value for key, value in {**base, **changes}.items() if value is not None}
        try:
            settings = msgspec.convert(merged, type=UnitSettings)
        except msgspec.ValidationError as exc:
            raise RolloutRefused(f"invalid setting: {exc}") from exc
        version = latest_version(session) + 1
        session.add(
            ConfigVersion(
                version=version,
                created_at=datetime.now(UTC),
                settings=msgspec.json.encode(settings).decode(),
                note=note[:200],
            )
        )
        session.commit()
    return version, settings


def latest_rollout(session: Session) -> Rollout | None:
    """The newest rollout, if any."""
    return session.exec(select(Rollout).order_by(col(Rollout.id).desc())).first()


def baseline(session: Session) -> int:
    """The version a unit outside any pilot runs (and a newly enrolled unit starts with)."""
    last = latest_rollout(session)
    if last is None:
        return 0
    return last.version if last.stage == RolloutStage.FLEET else last.previous_version


def channel(session: Session, device_id: str) -> UnitChannel:
    """A unit's channel row, created at the baseline version."""
    row = session.get(UnitChannel, device_id)
    if row is None:
        row = UnitChannel(device_id=device_id, target_version=baseline(session))
        session.add(row)
    return row


def _units(session: Session) -> list[str]:
    revoked = col(Device.revoked_at)
    return list(session.exec(select(Device.id).where(revoked.is_(None)).order_by(col(Device.id))).all())


def start(engine: Engine, version: int, pilot: list[str], offline_after: timedelta) -> Rollout:
    """Give `version` to the pilot units (the rest keep theirs); RolloutRefused says why not."""
    with Session(engine) as session:
        settings_of(session, version)
        last = latest_rollout(session)
        if last is not None and last.stage in ACTIVE:
            raise RolloutRefused(f"rollout {last.id} is {last.stage}: promote it or roll it back first")
        units = set(_units(session))
        unknown = sorted(set(pilot) - units)
        if not pilot or unknown:
            raise RolloutRefused(
                f"pilot units unknown or revoked: {', '.join(unknown)}" if unknown else "no pilot"
            )
        previous = baseline(session)
        if version == previous:
            raise RolloutRefused(f"every unit already runs version {version}")
        now = datetime.now(UTC)
        rollout = Rollout(
            version=version,
            previous_version=previous,
            pilot=json.dumps(sorted(set(pilot))),
            stage=RolloutStage.PILOT,
            started_at=now,
            updated_at=now,
            offline_seconds=offline_after.total_seconds(),
        )
        session.add(rollout)
        for unit in units:
            channel(session, unit).target_version = version if unit in pilot else previous
        session.commit()
        session.refresh(rollout)
        return rollout


def report_of(row: UnitChannel) -> UnitReport | None:
    """The configuration report in a unit's last heartbeat (None before its first one)."""
    if not row.status:
        return None
    try:
        return msgspec.json.decode(row.status, type=Status).fleet
    except msgspec.DecodeError:
        return None


def _applied(row: UnitChannel, version: int) -> bool:
    report = report_of(row)
    return (
        report is not None
        and report.config_version == version
        and report.config_issued_ms == row.published_ms
    )


def promote(engine: Engine) -> Rollout:
    """Give the pilot's version to every unit, once every pilot unit applied it cleanly."""
    with Session(engine) as session:
        rollout = latest_rollout(session)
        if rollout is None or rollout.stage != RolloutStage.PILOT:
            stage = rollout.stage if rollout else "none"
            raise RolloutRefused(f"no rollout in its pilot stage (latest: {stage})")
        waiting = [
            unit
            for unit in json.loads(rollout.pilot)
            if not _applied(channel(session, unit), rollout.version)
        ]
        if waiting:
            raise RolloutRefused(
                f"pilot units have not applied version {rollout.version} yet: {', '.join(waiting)}"
            )
        for unit in _units(session):
            channel(session, unit).target_version = rollout.version
        rollout.stage, rollout.updated_at = RolloutStage.FLEET, datetime.now(UTC)
        session.commit()
        session.refresh(rollout)
        return rollout


def rollback(engine: Engine) -> Rollout:
    """Every unit that has the rollout's version gets the previous one again."""
    with Session(engine) as session:
        rollout = latest_rollout(session)
        if rollout is None or rollout.stage == RolloutStage.ROLLED_BACK:
            raise RolloutRefused("no rollout to roll back")
        rows = session.exec(select(UnitChannel).where(UnitChannel.target_version == rollout.version)).all()
        for row in rows:
            row.target_version = rollout.previous_version
        rollout.stage, rollout.updated_at = RolloutStage.ROLLED_BACK, datetime.now(UTC)
        session.commit()
        session.refresh(rollout)
        return rollout


def _failure(row: UnitChannel, rollout: Rollout, now: datetime) -> str:
    """Why this pilot unit halts the rollout, or ""."""
    report = report_of(row)
    if report is not None and report.config_error and report.config_issued_ms == row.published_ms:
        return f"{row.device_id} could not apply version {rollout.version}: {report.config_error}"
    if not row.online and row.offline_since is not None:
        since = max(_aware(row.offline_since), _aware(rollout.started_at))
        if (now - since).total_seconds() > rollout.offline_seconds:
            return f"{row.device_id} offline for more than {rollout.offline_seconds:.0f} s"
    return ""


def _aware(moment: datetime) -> datetime:
    """SQLite gives datetimes back without their zone; they were stored in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def halt_if_failing(engine: Engine, now: datetime) -> str:
    """Halt the rollout in its pilot stage if a pilot unit failed; returns the reason ("" if it goes on)."""
    with Session(engine) as session:
        rollout = latest_rollout(session)
        if rollout is None or rollout.stage != RolloutStage.PILOT:
            return ""
        for unit in json.loads(rollout.pilot):
            row = session.get(UnitChannel, unit)
            reason = _failure(row, rollout, now) if row is not None else ""
            if reason:
                rollout.stage, rollout.reason, rollout.updated_at = RolloutStage.HALTED, reason, now
                session.commit()
                return reason
    return ""


@dataclass(frozen=True, slots=True)
class UnitRolloutState:
    """One unit in `provision rollout status`."""

    device_id: str
    target_version: int
    applied_version: int
    error: str


def unit_states(engine: Engine) -> list[UnitRolloutState]:
    """Every unrevoked unit's target version, applied version and configuration error."""
    with Session(engine) as session:
        states = []
        for unit in _units(session):
            row = channel(session, unit)
            report = report_of(row)
            states.append(
                UnitRolloutState(
                    unit,
                    row.target_version,
                    report.config_version if report else -1,
                    report.config_error if report else "",
                )
            )
        session.commit()
        return states
