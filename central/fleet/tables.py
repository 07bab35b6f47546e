"""The fleet's tables: configuration versions, what central pushed to each unit and what each unit last
said, staged rollouts, and commands waiting to be signed and sent.

The provisioning CLI writes here (a new version, a rollout, a command) and central's fleet loop
(central/fleet/channel.py) does the rest: it signs and publishes, reads the units' status and halts a
rollout. So IT's commands need no broker session of their own, and central's signing key never leaves
central. No personal data here: status heartbeats carry none.
"""

import enum
from datetime import datetime

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel


class ConfigVersion(SQLModel, table=True):
    """A numbered set of unit settings (protocol.config.UnitSettings as JSON); version 0 is implicit: none."""

    __tablename__ = "fleet_config_version"
    version: int = Field(primary_key=True)
    created_at: datetime
    settings: str = Field(sa_column=Column(Text, nullable=False))
    note: str = ""


class UnitChannel(SQLModel, table=True):
    """One unit's configuration channel (its target version and what is on the broker) and last status."""

    __tablename__ = "fleet_unit"
    device_id: str = Field(primary_key=True)
    target_version: int = 0
    published: str = ""
    """What the retained config on the broker is ("<version>:<counter key id>"; "cleared" once revoked)."""
    published_ms: int = 0
    """The issued_ms of the document published: a unit's error for this document names it."""
    status: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    """The unit's last status heartbeat while online (protocol.messages.Status as JSON); its last will only
    marks it offline, so what it said last stays to be seen."""
    online: bool = False
    last_heartbeat: datetime | None = None
    offline_since: datetime | None = None
    backlog_since: datetime | None = None
    """Since when the unit's outbox has not shrunk while holding envelopes (None: it is empty or draining)."""


class RolloutStage(enum.StrEnum):
    """Where a rollout stands."""

    PILOT = "pilot"
    """The pilot units have the new version; the rest keep the previous one."""
    FLEET = "fleet"
    """Every unit has it."""
    HALTED = "halted"
    """A pilot unit failed to apply it or went offline; only a rollback goes on from here."""
    ROLLED_BACK = "rolled_back"


class Rollout(SQLModel, table=True):
    """A staged rollout of one configuration version: pilot units first, then the fleet."""

    __tablename__ = "fleet_rollout"
    id: int | None = Field(default=None, primary_key=True)
    version: int
    previous_version: int
    pilot: str = "[]"
    """JSON list of the pilot units' ids."""
    stage: str = RolloutStage.PILOT
    started_at: datetime
    updated_at: datetime
    offline_seconds: float = 600.0
    """A pilot unit offline longer than this halts the rollout."""
    reason: str = ""
    """Why it halted."""


class PendingCommand(SQLModel, table=True):
    """A command IT asked for; central's fleet loop signs and sends it (then records when)."""

    __tablename__ = "fleet_command"
    id: int | None = Field(default=None, primary_key=True)
    device_id: str = Field(index=True)
    name: str
    requested_at: datetime
    requested_by: str = ""
    sent_at: datetime | None = None
    command_id: str = ""
    """The signed command's random id, once sent."""
