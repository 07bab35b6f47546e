"""Telling a citizen that their turn is near by e-mail (or another channel), not only on the open page.

A citizen leaves an address on the status page; every `ALERT_EVERY` seconds the alert loop looks at each
pending alert's ticket and, once its turn is near (central/displays/status.py), sends one message through
the channel's `Notifier` and forgets the address. An address is personal data: it is kept only until that
message is sent or the ticket ends (at most `KEEP_FOR`), never logged, and the message holds only the
ticket number, the counter and the status page's link. Channels are pluggable: e-mail over the city's SMTP
relay (MADOGUCHI_SMTP=host:port, MADOGUCHI_SMTP_FROM); another channel such as LINE implements the same
Protocol around its own client.
"""

import asyncio
import contextlib
import logging
import os
import re
import smtplib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from typing import Protocol

from litestar.datastructures import State
from sqlalchemy import Engine
from sqlmodel import Field, Session, SQLModel, col, delete, select

from central.background import Loop, where
from central.queue.status import ticket_status
from procedures.catalog import Catalog

from .i18n import N_, translations
from .status import status_view

log = logging.getLogger(__name__)
ALERT_EVERY = 5.0
KEEP_FOR = timedelta(hours=12)
SMTP_TIMEOUT = 10.0
EMAIL = re.compile(r"[^@\s]{1,64}@[A-Za-z0-9.-]{1,189}\.[A-Za-z]{2,63}")
SUBJECT = N_("Your turn at the city office is near")
BODY = N_("Ticket %(ticket)s: your turn is near. Please come back to the waiting area. Your status: %(url)s")


class TurnAlert(SQLModel, table=True):
    """A citizen's wish to be told when a ticket's turn is near (deleted once told, or when it ends)."""

    id: int | None = Field(default=None, primary_key=True)
    token: str = Field(index=True)
    channel: str
    address: str
    """Personal data: kept only until the alert is sent, never logged."""
    language: str
    url: str
    """The status page as the citizen opened it (the link the message carries)."""
    created_at: datetime


@dataclass(frozen=True)
class Notice:
    """What one alert says: no name, no case; the ticket, the words and the status page's link."""

    subject: str
    text: str


class Notifier(Protocol):
    """One channel (e-mail, LINE, ...): deliver a notice to an address or raise."""

    async def send(self, address: str, notice: Notice) -> None: ...


class EmailNotifier:
    """Plain-text e-mail through the city's SMTP relay."""

    def __init__(self, host: str, port: int, sender: str) -> None:
        self.host, self.port, self.sender = host, port, sender

    def _send(self, address: str, notice: Notice) -> None:
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = self.sender, address, notice.subject
        message.set_content(notice.text)
        with smtplib.SMTP(self.host, self.port, timeout=SMTP_TIMEOUT) as smtp:
            smtp.send_message(message)

    async def send(self, address: str, notice: Notice) -> None:
        await asyncio.to_thread(self._send, address, notice)


class LineClient(Protocol):
    """The part of a LINE Messaging API client we use: push a text message to a user id."""

    async def push(self, to: str, text: str) -> None: ...


class LineNotifier:
    """LINE behind the same interface as e-mail (the city brings its own client and channel token)."""

    def __init__(self, client: LineClient) -> None:
        self.client = client

    async def send(self, address: str, notice: Notice) -> None:
        await self.client.push(address, f"{notice.subject}\n{notice.text}")


def configured_notifiers() -> dict[str, Notifier]:
    """The channels this central can use, from its environment (none: the page offers no alert)."""
    notifiers: dict[str, Notifier] = {}
    relay, sender = os.environ.get("MADOGUCHI_SMTP"), os.environ.get("MADOGUCHI_SMTP_FROM")
    if relay and sender:
        host, _, port = relay.rpartition(":")
        notifiers["email"] = EmailNotifier(host, int(port), sender)
    return notifiers


def valid_address(channel: str, address: str) -> bool:
    """An address the channel can take (e-mail: one plausible address, at most 254 characters)."""
    return channel == "email" and len(address) <= 254 and EMAIL.fullmatch(address) is not None


def subscribe(engine: Engine, token: str, channel: str, address: str, language: str, url: str) -> None:
    """Remember one alert for the ticket (an earlier one on the same channel is replaced)."""
    now = datetime.now(UTC)
    alert = TurnAlert(
        token=token, channel=channel, address=address, language=language, url=url, created_at=now
    )
    earlier = delete(TurnAlert).where(col(TurnAlert.token) == token, col(TurnAlert.channel) == channel)
    with Session(engine) as session:
        session.exec(earlier)
        session.add(alert)
        session.commit()


def _notice(ticket: str, language: str, url: str) -> Notice:
    gettext = translations(language).gettext
    return Notice(gettext(SUBJECT), gettext(BODY) % {"ticket": ticket, "url": url})


async def alert_round(engine: Engine, catalog: Catalog, notifiers: dict[str, Notifier]) -> int:
    """Send every alert whose ticket is near; forget those sent, ended or too old. Returns how many sent."""

    def pending() -> list[TurnAlert]:
        with Session(engine) as session:
            return list(session.exec(select(TurnAlert).order_by(col(TurnAlert.id))))

    def forget(alert_id: int | None) -> None:
        with Session(engine) as session:
            session.exec(delete(TurnAlert).where(col(TurnAlert.id) == alert_id))
            session.commit()

    sent = 0
    for alert in await asyncio.to_thread(pending):
        status = await asyncio.to_thread(ticket_status, engine, alert.token)
        expired = datetime.now(UTC) - alert.created_at.replace(tzinfo=UTC) > KEEP_FOR
        if status is None or status.state == "done" or expired:
            await asyncio.to_thread(forget, alert.id)
            continue
        if alert.channel not in notifiers or not status_view(status, catalog, alert.language).near:
            continue  # a channel this instance lacks is left for one that has it (or until it expires)
        try:
            notice = _notice(status.ticket, alert.language, alert.url)
            await notifiers[alert.channel].send(alert.address, notice)
        except (OSError, smtplib.SMTPException) as exc:  # retried next round; the address is never logged
            log.warning("turn alert by %s not sent: %s at %s", alert.channel, type(exc).__name__, where(exc))
            continue
        await asyncio.to_thread(forget, alert.id)
        sent += 1
    return sent


@contextlib.asynccontextmanager
async def alert_loops(state: State) -> AsyncIterator[list[Loop]]:
    """The alert loop, when a channel is configured; `state.notifiers` tells the page what to offer."""
    state.notifiers = configured_notifiers()
    catalog: Catalog = state.staff_planner.catalog
    step = lambda: alert_round(state.engine, catalog, state.notifiers)  # noqa: E731
    yield [Loop("turn alerts", ALERT_EVERY, step)] if state.notifiers else []
