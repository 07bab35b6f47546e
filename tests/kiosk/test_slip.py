"""The slip the kiosk prints for a big household: both languages, no personal data in print, and a case QR
that stays within what an 80 mm slip can print (QR version 25) yet carries the whole household."""

from datetime import datetime
from pathlib import Path

import msgspec
from cryptography.hazmat.primitives.asymmetric import ed25519, x25519

from edge_agent.identity import Identity, tls_files
from edge_agent.kiosk.slip import MAX_QR_CHARS, build_slip, case_qr_text
from edge_agent.submission import SubmissionCreated
from procedures.loader import load_catalog_dir
from procedures.navigator import make_plan
from procedures.planner import SAMPLE_CATALOG
from protocol.facts import Facts
from protocol.keys import CityPrivateKey
from protocol.plan import Plan
from protocol.qr_seal import CaseQr, CounterKey, open_qr


def ibusuki(language: str) -> tuple[Facts, Plan]:
    catalog = load_catalog_dir(SAMPLE_CATALOG)
    example = next(item for item in catalog.content.examples if item.id == "ibusuki_roleplay")
    facts = msgspec.structs.replace(msgspec.convert(example.facts, Facts), language=language)
    plan = make_plan(catalog, facts, datetime.fromisoformat(example.today).date())
    return facts, plan


def test_big_household_slip(tmp_path: Path) -> None:
    facts, plan = ibusuki("vi")
    identity = Identity(
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
    created = SubmissionCreated(submission_id="0190-test", ticket="A-007", plan=plan)
    qr = case_qr_text(identity, created, facts, "2026-11-20T10:00:00+09:00")
    assert len(qr) <= MAX_QR_CHARS
    case = open_qr(qr, identity.counter).payload
    assert isinstance(case, CaseQr)
    assert case.facts.household == facts.household
    slip = build_slip(
        office="みどり市 本庁舎", created=created, language="vi", qr_text=qr, issued=datetime.now()
    )
    assert slip.stops[0].name.startswith("市民課")
    assert " / " in slip.stops[0].name  # Japanese, then Vietnamese
    printed = msgspec.json.encode(msgspec.structs.replace(slip, qr_text="")).decode()
    assert all(person.name not in printed for person in facts.household)
    assert facts.applicant.address not in printed
