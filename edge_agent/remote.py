"""The unit's end of central's signed configuration and commands (protocol/config.py).

The link hands over whatever arrives on `devices/{id}/config` and `devices/{id}/commands`; the work is queued
and done here, off the link's message loop (a certificate renewal talks to central over HTTP). Nothing is
believed without central's signature: a tampered, unsigned, foreign, older or replayed document is refused,
counted, logged (the reason only) and reported in the status heartbeat.

A configuration is applied live: the counter key at once (written to the unit's data dir first, so a
restart keeps it), then the settings (ticket prefix, kiosk idle timeout) only if the unit can honour all of
them (a catalog version it does not run is an error, reported, and the rollout at central halts on it). The
last configuration is kept in the data dir and applied again at start-up. Commands run once each: their ids
are kept until they expire, across restarts. Wiping local data refuses while the outbox still holds
envelopes central has not acknowledged: it never destroys the only copy of a submission.
"""

import asyncio
import base64
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from msgspec import structs

from edge_agent.hardware.printer import CounterStop, PrinterError, Slip
from edge_agent.identity import COUNTER_KEY_FILE, EnrolmentError
from edge_agent.kiosk.context import KioskContext
from edge_agent.renewal import CertificateKeeper
from edge_agent.submission import EdgeServices
from procedures.planner import CatalogPlanner
from protocol import topics
from protocol.config import (
    CommandName,
    ConfigDocument,
    UnitReport,
    UnitSettings,
    open_command,
    open_config,
)
from protocol.qr_seal import CounterKey
from protocol.secret_file import write_secret_file
from protocol.signed import SignatureRefused

log = logging.getLogger(__name__)
CONFIG_FILE = "remote-config.json"
SEEN_FILE = "commands-seen.json"
QUEUE_SIZE = 64
"""Messages waiting to be handled; more at once are refused (central sends one config and few commands)."""
REFUSAL_LOG_EVERY = 60.0
"""Seconds between warnings about refused messages (each is counted and reported in the heartbeat)."""


@dataclass(frozen=True, slots=True)
class LocalSettings:
    """The unit's own settings (command line, environment): what a configuration without them means."""

    ticket_prefix: str
    idle_seconds: float


class RemoteControl:
    """Applies central's configuration and runs its commands; `run()` is a task of the unit."""

    def __init__(
        self, data_dir: Path, keeper: CertificateKeeper, catalog: Path, local: LocalSettings
    ) -> None:
        self._data_dir = data_dir
        self._keeper = keeper
        self._catalog = catalog
        self._local = local
        self._device_id = keeper.identity.device_id
        self._central = keeper.identity.central
        self._services: EdgeServices | None = None
        self._planner: CatalogPlanner | None = None
        self._kiosk: KioskContext | None = None
        self._queue: asyncio.Queue[tuple[str, bytes]] = asyncio.Queue(QUEUE_SIZE)
        self._changed: Callable[[], None] = lambda: None
        self._seen: dict[str, int] = self._load_seen()
        self._issued_ms = 0
        self._report = UnitReport()
        self._refusal_logged = -REFUSAL_LOG_EVERY

    def attach(
        self,
        services: EdgeServices,
        planner: CatalogPlanner,
        kiosk: KioskContext | None,
        changed: Callable[[], None],
    ) -> None:
        """What the configuration changes and the commands use (`planner` is the services' planner), and whom
        to tell of a new report."""
        self._services, self._planner, self._kiosk, self._changed = services, planner, kiosk, changed

    def topics(self) -> list[str]:
        """Central's configuration (retained) and command topics for this unit."""
        return [topics.config(self._device_id), topics.commands(self._device_id)]

    def receive(self, topic: str, payload: bytes) -> None:
        """Queue a message from the link (returns at once)."""
        try:
            self._queue.put_nowait((topic, payload))
        except asyncio.QueueFull:
            self._refuse("too many configuration or command messages at once")

    def report(self) -> UnitReport:
        """What the status heartbeat says about configuration and commands."""
        services = self._services
        identity = self._keeper.identity
        return structs.replace(
            self._report,
            catalog_version=self._planner.catalog.meta.version if self._planner else "",
            counter_key_id=(services.identity if services else identity).counter.key_id.hex(),
            certificate_expires=identity.certificate().not_valid_after_utc.isoformat(),
        )

    async def run(self) -> None:
        """Apply the saved configuration, then handle messages until cancelled."""
        try:
            await self._restore()
        except Exception:  # a damaged file: central's retained configuration arrives anyway
            log.exception("fleet channel: the saved configuration could not be applied")
        while True:
            topic, payload = await self._queue.get()
            try:
                if topic == topics.config(self._device_id):
                    await self._configure(payload)
                else:
                    await self._command(payload)
            except Exception:  # supervised: no personal data passes here, so the traceback is logged whole
                log.exception("fleet channel: handling a message failed; going on with the next one")
            self._changed()

    def _refuse(self, reason: str) -> None:
        self._report = structs.replace(self._report, refused=self._report.refused + 1, last_refusal=reason)
        now = time.monotonic()
        if now - self._refusal_logged >= REFUSAL_LOG_EVERY:  # a flood of forgeries must not flood the log
            self._refusal_logged = now
            log.warning("fleet channel: %d refused so far (last: %s)", self._report.refused, reason)
        self._changed()

    async def _restore(self) -> None:
        saved = self._data_dir / CONFIG_FILE
        if not saved.exists():
            return
        payload = base64.b64decode(json.loads(saved.read_text())["signed"])
        try:
            document = open_config(payload, self._device_id, self._central, 0)
        except SignatureRefused as exc:
            log.warning("the saved configuration does not verify (%s); waiting for central's", exc)
            return
        await self._apply(document)

    async def _configure(self, payload: bytes) -> None:
        if not payload:  # central cleared the retained configuration
            return
        try:
            document = open_config(payload, self._device_id, self._central, self._issued_ms)
        except SignatureRefused as exc:
            self._refuse(f"configuration: {exc}")
            return
        if document.issued_ms == self._issued_ms:
            return  # the retained copy of what is applied
        record = json.dumps({"signed": base64.b64encode(payload).decode()}).encode()
        await asyncio.to_thread(write_secret_file, self._data_dir / CONFIG_FILE, record, replace=True)
        await self._apply(document)

    async def _apply(self, document: ConfigDocument) -> None:
        """The counter key always; the settings all together, or none with the reason reported."""
        services = self._services
        assert services is not None
        self._issued_ms = document.issued_ms
        if document.counter_key != services.identity.counter.raw:
            path = self._data_dir / COUNTER_KEY_FILE
            await asyncio.to_thread(write_secret_file, path, document.counter_key, replace=True)
            services.identity = replace(
                services.identity, counter=CounterKey.from_bytes(document.counter_key)
            )
            log.info("counter key replaced by central's configuration")
        error = self._unmet(document.settings)
        if error:
            self._report = structs.replace(
                self._report, config_issued_ms=document.issued_ms, config_error=error
            )
            log.warning("configuration version %d not applied: %s", document.version, error)
            return
        settings = document.settings
        services.outbox.set_ticket_prefix(settings.ticket_prefix or self._local.ticket_prefix)
        if self._kiosk is not None:
            idle = float(settings.idle_seconds or self._local.idle_seconds)
            self._kiosk.settings = replace(self._kiosk.settings, idle_seconds=idle)
            self._kiosk.sessions.set_idle(idle)
            self._kiosk.admin_sessions.set_idle(idle)
        self._report = structs.replace(
            self._report,
            config_version=document.version,
            config_issued_ms=document.issued_ms,
            config_error="",
        )
        log.info("configuration version %d applied", document.version)

    def _unmet(self, settings: UnitSettings) -> str:
        """Why this unit cannot honour these settings, or ""."""
        assert self._planner is not None
        running = self._planner.catalog.meta.version
        if settings.catalog_version and settings.catalog_version != running:
            return f"catalog version {settings.catalog_version} required, this unit runs {running}"
        return ""

    def _load_seen(self) -> dict[str, int]:
        path = self._data_dir / SEEN_FILE
        if not path.exists():
            return {}
        return {str(key): int(value) for key, value in json.loads(path.read_text()).items()}

    async def _command(self, payload: bytes) -> None:
        now_ms = int(time.time() * 1000)
        self._seen = {key: expiry for key, expiry in self._seen.items() if expiry >= now_ms}
        try:
            command = open_command(payload, self._device_id, self._central, now_ms, set(self._seen))
        except SignatureRefused as exc:
            self._refuse(f"command: {exc}")
            return
        self._seen[command.id] = command.expires_ms  # kept before it runs: never twice, even after a crash
        record = json.dumps(self._seen).encode()
        await asyncio.to_thread(write_secret_file, self._data_dir / SEEN_FILE, record, replace=True)
        outcome = await self._run(command.name)
        self._report = structs.replace(self._report, last_command=f"{command.name}: {outcome}")
        log.info("command %s: %s", command.name, outcome)

    async def _run(self, name: CommandName) -> str:
        handlers = {
            "reload": self._reload,
            "print_test_slip": self._print_test_slip,
            "rotate_identity": self._rotate_identity,
            "wipe_local_data": self._wipe,
        }
        return await handlers[name]()

    async def _reload(self) -> str:
        """Load the catalog from disk again (one installed since start-up), apply the configuration anew."""
        assert self._services is not None
        planner = await asyncio.to_thread(CatalogPlanner.load, self._catalog)
        self._services.planner = self._planner = planner
        if self._kiosk is not None:
            self._kiosk.catalog = planner.catalog
        self._issued_ms = 0
        await self._restore()
        return f"done (catalog {planner.catalog.meta.version})"

    async def _print_test_slip(self) -> str:
        if self._kiosk is None:
            return "refused: this unit runs without hardware (no device profile)"
        try:
            await asyncio.to_thread(self._kiosk.hardware.print_slip, self._test_slip())
        except PrinterError as exc:
            return f"failed: {type(exc).__name__}"
        return "done"

    async def _rotate_identity(self) -> str:
        """A new TLS key and certificate (edge_agent/renewal.py); the device key stays (central knows it)."""
        try:
            identity = await self._keeper.renew_now()
        except EnrolmentError as exc:
            return f"failed: {exc}"
        return f"done (certificate generation {identity.generation}, used from the next connection)"

    async def _wipe(self) -> str:
        assert self._services is not None
        waiting = await asyncio.to_thread(self._services.outbox.wipe)
        if waiting:
            return f"refused: {waiting} submission(s) not yet acknowledged by central"
        return "done"

    def _test_slip(self) -> Slip:
        assert self._services is not None
        return Slip(
            office=self._services.identity.office_id,
            ticket="TEST",
            language="ja",
            stops=[CounterStop(name="テスト印刷", procedures=["印刷の確認"])],
            issued_at=datetime.now().astimezone().strftime("%Y-%m-%d %H:%M"),
        )
