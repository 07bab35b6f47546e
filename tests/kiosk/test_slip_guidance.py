"""Guidance (案内) is printed apart from the forms to sign: under one 【案内】 mark per counter, in the
citizen's language too."""

from datetime import datetime
from pathlib import Path

import msgspec

from edge_agent.hardware.printer.layout import Text, slip_blocks
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
    assert slip.headings.guidance == "【案内】(information only)"
    guidance = [name for stop in slip.stops for name in stop.guidance]
    forms = [name for stop in slip.stops for name in stop.procedures]
    seal_card = next(procedure for procedure in plan.procedures if "印鑑登録証" in procedure.name.ja)
    assert seal_card.name.citizen in guidance
    assert not any("住民異動届" in name or "Moving-out" in name for name in guidance)
    assert len(guidance) == sum(procedure.kind == "guidance" for procedure in plan.procedures)
    assert len(forms) == sum(procedure.kind != "guidance" for procedure in plan.procedures)
    texts = [block.text for block in slip_blocks(slip) if isinstance(block, Text)]
    marked = [text for text in texts if "【案内】" in text]
    assert len(marked) == sum(bool(stop.guidance) for stop in slip.stops), "one mark per counter"
    assert all(text.startswith(slip.headings.guidance) for text in marked)
    assert any(seal_card.name.citizen in text for text in marked)
