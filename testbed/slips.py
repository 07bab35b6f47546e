"""The slips of the sample catalog's big households, as the kiosk builds them: for the slip tests and the
slip-length bench (bench/slip_length.py)."""

import functools
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import msgspec
from cryptography.hazmat.primitives.asymmetric import ed25519, x25519

from edge_agent.hardware.printer import Slip
from edge_agent.identity import Identity, tls_files
from edge_agent.kiosk.slip import build_slip, case_qr_text
from edge_agent.submission import SubmissionCreated
from procedures.catalog import Catalog
from procedures.loader import load_catalog_dir
from procedures.navigator import make_plan
from procedures.planner import SAMPLE_CATALOG
from protocol.facts import Facts
from protocol.keys import CityPrivateKey
from protocol.plan import Plan
from protocol.qr_seal import CounterKey
from testbed.households import example, facts_of

TOKYO = ZoneInfo("Asia/Tokyo")
IBUSUKI = "ibusuki_roleplay"


@functools.cache
def sample_catalog() -> Catalog:
    """The sample catalog, loaded once."""
    return load_catalog_dir(SAMPLE_CATALOG)


def ibusuki(language: str) -> tuple[Facts, Plan]:
    """Ibusuki's role-play household (seven people and a dog moving in) and its plan."""
    catalog = sample_catalog()
    facts = msgspec.structs.replace(facts_of(catalog, IBUSUKI), language=language)
    return facts, make_plan(catalog, facts, date.fromisoformat(example(catalog, IBUSUKI).today))


def five_person_move_in(language: str) -> tuple[Facts, Plan]:
    """The Ibusuki family without the grandparents: two parents and three children moving in."""
    catalog = sample_catalog()
    facts = msgspec.structs.replace(facts_of(catalog, IBUSUKI), language=language)
    answers = {
        key: value for key, value in facts.answers.items() if key not in ("care_levels", "care_carried_over")
    }
    answers.update(nhi_members=["0", "1", "2", "3", "4"], disability_members=[], card_members=["0", "1"])
    answers["care_levels"] = {}  # nobody in the five has a care level
    facts = msgspec.structs.replace(facts, household=facts.household[:4], answers=answers)
    return facts, make_plan(catalog, facts, date(2026, 11, 20))


def counter_identity(tmp_path: Path) -> Identity:
    """A counter unit's identity with fresh keys (its TLS files named under `tmp_path`, never written)."""
    return Identity(
        device_id="cu-test",
        office_id="honcho",
        city=CityPrivateKey.generate().public,
        broker_url="mqtt://127.0.0.1:1",
        signer=ed25519.Ed25519PrivateKey.generate(),
        counter=CounterKey(x25519.X25519PrivateKey.generate()),
        central=ed25519.Ed25519PrivateKey.generate().public_key(),
        profile="",
        central_url="http://127.0.0.1:1",
        tls=tls_files(tmp_path, 1),
        generation=1,
    )


def five_person_slip(tmp_path: Path, language: str) -> Slip:
    """The five-person move-in slip in `language`, issued at a fixed time in the city's time zone."""
    facts, plan = five_person_move_in(language)
    created = SubmissionCreated(submission_id="0190-test", ticket="A-007", plan=plan)
    issued = datetime(2026, 11, 20, 1, 5, tzinfo=ZoneInfo("UTC")).astimezone(TOKYO)
    qr = case_qr_text(counter_identity(tmp_path), created, facts, issued.isoformat())
    return build_slip(office="みどり市 本庁舎", created=created, language=language, qr_text=qr, issued=issued)
