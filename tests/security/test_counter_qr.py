"""The staff QR counter against slips a stolen or buggy unit could sign: the office is the signing unit's, and
a slip whose date is not ISO 8601 is a clear refusal, not a 500 (defects 6 and 11 of the review)."""

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519
from sqlalchemy import Engine
from sqlmodel import Session

from central.accounts.service import Staff
from central.cases.counter import open_by_qr
from central.db import make_engine
from central.errors import ActionRefusedError, CaseForbiddenError
from central.keys import load_or_create_counter_key
from central.models import Case, Device, Role
from procedures.planner import SAMPLE_CATALOG, CatalogPlanner
from protocol.ids import uuid7
from protocol.qr_seal import CaseQr, CounterKey, seal_qr
from testbed.households import citizen

HONCHO = Staff("honcho_staff", Role.STAFF, frozenset({"honcho"}), frozenset(), "csrf")
KITA = Staff("kita_staff", Role.STAFF, frozenset({"kita"}), frozenset(), "csrf")


@dataclass
class Counter:
    """A real SQLite database with one enrolled honcho unit, central's counter key and the catalog."""

    engine: Engine
    counter: CounterKey
    planner: CatalogPlanner
    unit: ed25519.Ed25519PrivateKey

    def slip(
        self, *, office: str = "honcho", issued_at: str = "2026-11-22T09:00:00+09:00"
    ) -> tuple[str, str]:
        """(case id, QR text) of a slip the honcho unit signed, claiming `office`."""
        case_id = str(uuid7())
        payload = CaseQr(case_id, "A001", office, "unit-honcho", issued_at, citizen(random.Random(3), 3))
        return case_id, seal_qr(payload, counter=self.counter, issuer="unit-honcho", signer=self.unit)

    def open(self, staff: Staff, text: str) -> str:
        return open_by_qr(self.engine, [self.counter], self.planner, staff, text)


@pytest.fixture(scope="module")
def counter(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Counter]:
    data_dir: Path = tmp_path_factory.mktemp("central")
    engine = make_engine(f"sqlite:///{data_dir / 'central.db'}")
    unit = ed25519.Ed25519PrivateKey.generate()
    public = unit.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    with Session(engine) as session:
        session.add(
            Device(id="unit-honcho", office_id="honcho", public_key=public, enrolled_at=datetime.now(UTC))
        )
        session.commit()
    yield Counter(engine, load_or_create_counter_key(data_dir), CatalogPlanner.load(SAMPLE_CATALOG), unit)
    engine.dispose()


@pytest.mark.parametrize("issued_at", ["22/11/2026 09:00", "", "2026-11-22T09:00:00", "yesterday"])
def test_a_signed_slip_with_a_date_that_is_not_iso_8601_is_a_clear_refusal(
    counter: Counter, issued_at: str
) -> None:
    case_id, text = counter.slip(issued_at=issued_at)
    with pytest.raises(ActionRefusedError, match="ISO 8601") as refused:
        counter.open(HONCHO, text)
    assert 400 <= refused.value.status_code < 500
    with Session(counter.engine) as session:
        assert session.get(Case, case_id) is None


def test_the_office_is_the_signing_units_not_the_one_the_slip_claims(counter: Counter) -> None:
    case_id, text = counter.slip(office="kita")
    with pytest.raises(CaseForbiddenError):
        counter.open(KITA, text)
    assert counter.open(HONCHO, text) == case_id
    with Session(counter.engine) as session:
        case = session.get(Case, case_id)
        assert case is not None
        assert (case.office_id, case.device_id) == ("honcho", "unit-honcho")
