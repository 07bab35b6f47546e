"""Guidance (案内) is printed apart from the forms to sign: marked 【案内】, and in the citizen's language."""

from datetime import datetime
from pathlib import Path

import msgspec

from edge_agent.kiosk.slip import build_slip
from edge_agent.submission import SubmissionCreated
from procedures.loader import load_catalog_dir
from procedures.navigator import make_plan
from protocol.facts import Facts

SAMPLE_CITY = Path(__file__).resolve().parents[2] / "procedures" / "catalogs" / "sample_city"


def test_guidance_is_marked_on_the_slip_and_forms_are_not() -> None:
    catalog = load_catalog_dir(SAMPLE_CITY)
    example = next(item for item in catalog.content.examples if item.id == "move_out_with_registered_seal")
    facts = msgspec.convert(example.facts, Facts)
    plan = make_plan(catalog, facts, datetime.fromisoformat(example.today).date())
    created = SubmissionCreated(submission_id="0" * 32, ticket="A001", plan=plan)
    slip = build_slip(
        office="本庁舎", created=created, language="en", qr_text="", issued=datetime(2026, 11, 20)
    )
    lines = [line for stop in slip.stops for line in stop.procedures]
    guidance = [line for line in lines if line.startswith("【案内】")]
    assert any("印鑑登録証" in line and line.endswith("(information only)") for line in guidance)
    assert not any(line.startswith("【案内】住民異動届") for line in lines)
    assert len(guidance) == sum(procedure.kind == "guidance" for procedure in plan.procedures)
