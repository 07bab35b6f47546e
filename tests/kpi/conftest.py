"""One central (SQLite, HTTP only) holding the scripted day, with a supervisor, a clerk and a supervisor of
another office; and tickets of office minami for the rating tests."""

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine

from central.accounts.service import add_user
from central.db import make_engine
from testbed.processes import Service
from testbed.services import central_service
from tests.kpi import stored_day

PASSWORD = "correct horse battery"


@dataclass
class KpiCentral:
    """The running central, its database and the scripted tickets' status tokens."""

    service: Service
    engine: Engine
    tokens: dict[str, str]

    @property
    def url(self) -> str:
        return self.service.base_url


def start_central(workdir: Path) -> tuple[Service, Engine]:
    """Central without a broker, and an engine on its SQLite database."""
    service = central_service(workdir, None).start(timeout=60)
    return service, make_engine(f"sqlite:///{workdir / 'central' / 'central.db'}")


@pytest.fixture(scope="session")
def kpi_central(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KpiCentral]:
    """`honcho_boss` supervises honcho and kita, `honcho_staff` is a clerk, `kita_boss` supervises kita,
    `city_admin` is an admin of both."""
    service, engine = start_central(tmp_path_factory.mktemp("kpi"))
    for name, role, offices in [
        ("honcho_boss", "supervisor", ["honcho", "kita"]),
        ("honcho_staff", "staff", ["honcho"]),
        ("kita_boss", "supervisor", ["kita"]),
        ("city_admin", "admin", ["honcho", "kita"]),
    ]:
        add_user(engine, name, role, PASSWORD, offices, [])
    yield KpiCentral(service, engine, stored_day.store(engine))
    service.kill()
    engine.dispose()
