"""Keeping the unit's certificate current without IT: check it every few hours, renew it when it is due.

Renewal (`identity.renew`) asks central for a certificate for a new TLS key, signed with the unit's device
key; the link presents whatever is current at its next connection. A failed renewal (central unreachable) is
logged and tried again soon; the old certificate stays valid for weeks after renewal falls due.
"""

import asyncio
import logging
from pathlib import Path

from edge_agent.identity import EnrolmentError, Identity, certificate_due, renew
from protocol.mqtt import TlsFiles

log = logging.getLogger(__name__)
CHECK_SECONDS = 6 * 3600.0
RETRY_SECONDS = 600.0


class CertificateKeeper:
    """The unit's current identity, renewed when its certificate falls due."""

    def __init__(self, data_dir: Path, identity: Identity) -> None:
        self._data_dir = data_dir
        self.identity = identity

    def tls(self) -> TlsFiles:
        """The files to present at the next connection."""
        return self.identity.tls

    async def renew_if_due(self) -> bool:
        """Renew now if the certificate is due; whether it was renewed (EnrolmentError if refused)."""
        if not await asyncio.to_thread(certificate_due, self.identity):
            return False
        await self.renew_now()
        return True

    async def renew_now(self) -> Identity:
        """A new TLS key and certificate now, due or not (central's rotate-identity command)."""
        self.identity = await asyncio.to_thread(renew, self._data_dir, self.identity)
        log.info("renewed this unit's certificate (generation %d)", self.identity.generation)
        return self.identity

    async def run(self) -> None:
        """Check at once, then every CHECK_SECONDS (RETRY_SECONDS after a failure), until cancelled."""
        while True:
            try:
                await self.renew_if_due()
            except EnrolmentError as exc:
                log.warning("certificate renewal failed, trying again in %.0f s: %s", RETRY_SECONDS, exc)
                await asyncio.sleep(RETRY_SECONDS)
                continue
            await asyncio.sleep(CHECK_SECONDS)
