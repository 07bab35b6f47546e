"""The fleet's part of central's start-up: the city CA, central's own MQTT identities and the broker's admin
API; and the background loop that keeps central's certificates renewed.

Central holds the city CA, so it issues its own identities' certificates when they are missing or due
(`madoguchi provision init` made the first ones): a restart, or the daily loop, renews them without IT, and
every new connection presents the current files. Enrolment admits units to the broker only when the data
dir records a secured broker (`fleet.json`, written by `provision init`).
"""

import asyncio
import contextlib
from collections.abc import AsyncIterator

from litestar.datastructures import State
from sqlalchemy import Engine

from central.background import Loop
from central.fleet.broker_admin import BrokerAdmin
from central.fleet.ca_store import CityCA
from central.fleet.credentials import ensure_credentials
from central.fleet.dynsec import CENTRAL_ADMIN, central_identities
from central.fleet.enrolment import Fleet
from central.fleet.setup import BrokerSetup, client_files
from central.settings import Settings
from protocol.urls import parse_broker_url

RENEW_CHECK_SECONDS = 6 * 3600.0


def own_identities(settings: Settings, setup: BrokerSetup | None) -> list[str]:
    """The identities central presents: all of them on a TLS broker, else the admin's when there is a
    secured broker to admit units to, else none."""
    if settings.broker_tls:
        return central_identities(settings.ingest_workers)
    return [CENTRAL_ADMIN] if setup is not None else []


def start_fleet(settings: Settings, engine: Engine) -> tuple[Fleet, str]:
    """The fleet enrolment works with, and the broker URL units are told at enrolment."""
    authority = CityCA.load_or_create(settings.data_dir)
    setup = BrokerSetup.load(settings.data_dir)
    ensure_credentials(authority, settings.data_dir, own_identities(settings, setup))
    admin = None
    if setup is not None:
        url = settings.broker_url if settings.broker_tls and settings.broker_url else setup.broker_url
        admin = BrokerAdmin(parse_broker_url(url), client_files(settings.data_dir, CENTRAL_ADMIN))
    return Fleet(engine, authority, admin), setup.broker_url if setup else (settings.broker_url or "")


@contextlib.asynccontextmanager
async def certificate_loops(state: State) -> AsyncIterator[list[Loop]]:
    """Renew central's own certificates when they are due (checked every six hours)."""
    settings: Settings = state.settings
    fleet: Fleet = state.fleet
    identities = own_identities(settings, BrokerSetup.load(settings.data_dir))

    async def renew() -> None:
        await asyncio.to_thread(ensure_credentials, fleet.authority, settings.data_dir, identities)

    yield [Loop("central certificates", RENEW_CHECK_SECONDS, renew)] if identities else []
