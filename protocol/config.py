"""Remote configuration and remote commands: what central pushes to one unit, signed (protocol/signed.py).

**Configuration** goes retained to `devices/{id}/config`: the settings version IT rolled out to this unit
(`version`; 0 is the unit's own defaults), the counter key (rotated on every revocation: central alone keeps
the previous one for a while, to open slips printed before), the profile, the catalog version the unit must
run and the settings it applies live. A unit applies a document only for itself and
only if it is newer (`issued_ms`) than the one it applied, so an old signed document played back changes
nothing.

**Commands** go to `devices/{id}/commands` (not retained): reload, print a test slip, rotate identity, wipe
local data. Each carries a random id and an expiry at most MAX_COMMAND_TTL_MS after it was issued; a unit
runs an id once and refuses an expired one, so a recorded command cannot be replayed.

The unit reports what it applied and what it refused in its status heartbeat (`UnitReport`, carried in
`protocol.messages.Status`). Everything is bounded and strictly validated; nothing here logs.
"""

import secrets
from typing import Annotated, Literal

import msgspec
from cryptography.hazmat.primitives.asymmetric import ed25519

from protocol.signed import SignatureRefused, open_document, sign_document

CONFIG_DOMAIN = b"madoguchi/v1/config-signature\x00"
COMMAND_DOMAIN = b"madoguchi/v1/command-signature\x00"
MAX_CONFIG_BYTES = 8 * 1024
MAX_COMMAND_BYTES = 2 * 1024
MAX_COMMAND_TTL_MS = 15 * 60 * 1000
"""A command not run within this time of being issued is refused (and so cannot be played back later)."""
CLOCK_SKEW_MS = 5 * 60 * 1000
"""How far ahead of the unit's clock central's may be."""

DeviceId = Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
Key32 = Annotated[bytes, msgspec.Meta(min_length=32, max_length=32)]
Label = Annotated[str, msgspec.Meta(max_length=64, pattern=r"^[A-Za-z0-9._:+-]*$")]
CommandName = Literal["reload", "print_test_slip", "rotate_identity", "wipe_local_data"]
COMMANDS: tuple[CommandName, ...] = ("reload", "print_test_slip", "rotate_identity", "wipe_local_data")


class ConfigRefused(SignatureRefused):
    """A signed document the unit will not apply: for another unit, older than the applied one, expired."""


class UnitSettings(msgspec.Struct, forbid_unknown_fields=True, frozen=True, kw_only=True, omit_defaults=True):
    """Settings a unit applies live; a missing one keeps the unit's own (command line, environment)."""

    ticket_prefix: Annotated[str, msgspec.Meta(pattern=r"^[A-Z]{1,3}$")] | None = None
    """Letters before the queue number on tickets the unit issues."""
    idle_seconds: Annotated[int, msgspec.Meta(ge=30, le=3600)] | None = None
    """Seconds without a touch after which the kiosk wipes the session."""
    catalog_version: Label | None = None
    """The catalog the unit must run; a unit running another reports an error (and applies no setting)."""


class ConfigDocument(msgspec.Struct, forbid_unknown_fields=True, frozen=True, kw_only=True):
    """Central → unit, retained: the whole configuration of one unit."""

    v: Literal[1]
    device_id: DeviceId
    version: Annotated[int, msgspec.Meta(ge=0, le=2**31)]
    """The settings version rolled out to this unit (0: the unit's own defaults)."""
    issued_ms: Annotated[int, msgspec.Meta(ge=0)]
    """When central signed it (Unix ms); a unit applies only documents newer than the one it applied."""
    profile: Annotated[str, msgspec.Meta(max_length=64)]
    counter_key: Key32
    """The counter key units seal slips with (the unit's copy of it: replaced when central rotates it)."""
    settings: UnitSettings


class Command(msgspec.Struct, forbid_unknown_fields=True, frozen=True, kw_only=True):
    """Central → unit: do this once, now."""

    v: Literal[1]
    device_id: DeviceId
    id: Annotated[str, msgspec.Meta(pattern=r"^[0-9a-f]{32}$")]
    name: CommandName
    issued_ms: Annotated[int, msgspec.Meta(ge=0)]
    expires_ms: Annotated[int, msgspec.Meta(ge=0)]


class UnitReport(msgspec.Struct, forbid_unknown_fields=True, frozen=True, kw_only=True):
    """What the unit says about its configuration and commands in its status heartbeat."""

    config_version: int = -1
    """The settings version applied (-1: no configuration from central yet)."""
    config_issued_ms: int = 0
    config_error: str = ""
    """Why the newest configuration central sent was not applied ("" once one applied cleanly)."""
    catalog_version: str = ""
    counter_key_id: str = ""
    """Hex id of the counter key the unit seals slips with."""
    certificate_expires: str = ""
    """ISO 8601 end of the unit's client certificate."""
    refused: int = 0
    """Configurations and commands refused since the unit started (unsigned, tampered, replayed, …)."""
    last_refusal: str = ""
    last_command: str = ""
    """The last command run and its outcome, e.g. "print_test_slip: done"."""


def sign_config(key: ed25519.Ed25519PrivateKey, document: ConfigDocument) -> bytes:
    """The retained payload for a unit's config topic."""
    return sign_document(key, CONFIG_DOMAIN, document)


def open_config(
    payload: bytes, device_id: str, central: ed25519.Ed25519PublicKey, applied_ms: int
) -> ConfigDocument:
    """A configuration central signed for this unit, not older than the applied one (the same one again is
    the retained copy of what is applied); else ConfigRefused/SignatureRefused with the reason."""
    document = open_document(payload, CONFIG_DOMAIN, ConfigDocument, central, MAX_CONFIG_BYTES)
    if document.device_id != device_id:
        raise ConfigRefused("configuration for another unit")
    if document.issued_ms < applied_ms:
        raise ConfigRefused("configuration older than the one applied (played back?)")
    return document


def new_command(device_id: str, name: CommandName, now_ms: int, ttl_ms: int = MAX_COMMAND_TTL_MS) -> Command:
    """A command with a fresh random id, valid for ttl_ms."""
    return Command(
        v=1,
        device_id=device_id,
        id=secrets.token_hex(16),
        name=name,
        issued_ms=now_ms,
        expires_ms=now_ms + min(ttl_ms, MAX_COMMAND_TTL_MS),
    )


def sign_command(key: ed25519.Ed25519PrivateKey, command: Command) -> bytes:
    """The payload for a unit's commands topic."""
    return sign_document(key, COMMAND_DOMAIN, command)


def open_command(
    payload: bytes, device_id: str, central: ed25519.Ed25519PublicKey, now_ms: int, seen: set[str]
) -> Command:
    """A command central signed for this unit, live and not run before (`seen`: ids already run)."""
    command = open_document(payload, COMMAND_DOMAIN, Command, central, MAX_COMMAND_BYTES)
    if command.device_id != device_id:
        raise ConfigRefused("command for another unit")
    if (
        command.expires_ms - command.issued_ms > MAX_COMMAND_TTL_MS
        or command.issued_ms > now_ms + CLOCK_SKEW_MS
    ):
        raise ConfigRefused("command with an impossible validity period")
    if now_ms > command.expires_ms:
        raise ConfigRefused("command expired (played back?)")
    if command.id in seen:
        raise ConfigRefused("command already run (played back)")
    return command
