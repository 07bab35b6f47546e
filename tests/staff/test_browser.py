"""A counter day in headless Chromium: log in, watch a unit's case arrive, open an unsynced case by its QR and
watch it sync, correct a field and see the audit entry, print the forms, approve, and export."""

import random
import signal

import httpx
from playwright.sync_api import Page, expect

from testbed.households import citizen, facts_json
from testbed.services import edge_service, issue_token
from tests.staff.support import PASSWORD, StaffCentral
from tests.support.browser import log_in

CORRECTED = "𠮷田　花子"


def test_a_counter_day(page: Page, staff_central: StaffCentral) -> None:
    workdir = staff_central.workdir
    unit = edge_service(workdir, staff_central.service, issue_token(workdir), name="staff-edge").start()
    try:
        log_in(page, "honcho_staff", PASSWORD)
        created = httpx.post(
            f"{unit.base_url}/api/submissions",
            content=facts_json(citizen(random.Random(71), 71)),
            headers={"content-type": "application/json"},
        )
        assert created.status_code == 201, created.text
        synced_row = page.locator(f'tr[data-case="{created.json()["submission_id"]}"]')
        expect(synced_row).to_be_visible()  # arrives through htmx polling, no reload

        facts = citizen(random.Random(72), 72)
        case_id, qr, wire = staff_central.slip_qr(facts)
        page.click("text=窓口受付（QR）")
        page.locator("#qr").press_sequentially(qr, delay=0)  # what a USB scanner does: type, then Enter
        page.keyboard.press("Enter")
        expect(page.locator("h1")).to_contain_text("（未同期）")
        expect(page.locator("#counters li.current")).to_have_count(1)  # where the citizen goes now

        correction = page.locator('form.correction[data-field="applicant.name"]')
        correction.locator("input[name=value]").fill(CORRECTED)
        correction.locator("input[name=gaiji]").check()
        correction.locator("button").click()
        audit = page.locator("#corrections")
        expect(audit).to_contain_text(CORRECTED)
        expect(audit).to_contain_text(facts.applicant.name)
        expect(audit).to_contain_text("honcho_staff")

        page.click("text=受付一覧")
        page.fill("input[name=q]", CORRECTED)  # the slip was printed days ago: find it by the corrected name
        page.click("text=絞り込む")
        row = page.locator(f'tr[data-case="{case_id}"]')
        expect(row).to_contain_text("未同期")
        staff_central.publish("honcho", wire)  # the network is back
        expect(row).not_to_contain_text("未同期")  # synced, live
        expect(page.locator(f'tr[data-case="{case_id}"]')).to_have_count(1)

        row.locator("a").click()
        pdf = page.request.get(page.locator("#print-forms").get_attribute("href") or "")
        assert pdf.ok
        assert pdf.headers["content-type"] == "application/pdf"
        assert pdf.body().startswith(b"%PDF")

        approve = page.locator("button.approve")
        while approve.count():
            approve.first.click()
            page.wait_for_load_state()
        expect(page.locator("#procedures")).to_contain_text("承認済")

        export = page.request.get("/api/staff/exports?format=csv&approved=true")
        assert export.ok
        text = export.body().decode("utf-8-sig")
        assert case_id in text
        assert CORRECTED in text
    finally:
        unit.kill(signal.SIGTERM)
