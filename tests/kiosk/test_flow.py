"""The citizen's whole visit in a real browser: card + PIN → questions → review → confirm → printed slip
and a sealed submission that reaches central — in Japanese and in English, with the real PC/SC stack."""

import re

import pytest
from playwright.sync_api import Page, expect

from edge_agent.hardware.card_emulator import VirtualCard
from edge_agent.kiosk.i18n import translations
from protocol.qr_seal import CaseQr, open_qr
from protocol.queue import status_path, status_token
from testbed.escpos_decode import decode
from tests.spine.helpers import case_ids, wait_until

from .conftest import HOLDER, PIN, Unit, jobs_after
from .screens import answer_everything, begin, enter_pin, fill_person


@pytest.mark.parametrize("language", ["ja", "en"])
def test_card_flow_prints_slip_and_seals(page: Page, unit: Unit, card: VirtualCard, language: str) -> None:
    _ = translations(language).gettext
    before = len(unit.printer.jobs)
    begin(page, unit, language, "move_in")
    page.locator('a[href="/kiosk/card"]').click()
    expect(page.locator("h1")).to_have_text(_("Enter your PIN"))
    expect(page.locator(".hint")).to_have_text(_("Tries left: %(tries)s") % {"tries": 3})
    enter_pin(page, PIN)
    people = page.locator(".people")
    expect(people).to_contain_text(HOLDER.name)
    expect(people).to_contain_text("昭和60年4月1日" if language == "ja" else "1985-04-01")
    if language == "en":  # a child moving in too: member questions offer both people
        page.locator('a[href="/kiosk/household/add"]').click()
        fill_person(page, "窓口　一郎", "2020-06-01", "1", relation="child")
        expect(people).to_contain_text("窓口　一郎")
    page.locator('a[href="/kiosk/question"]').click()
    assert answer_everything(page) >= 5
    expect(page.locator("h1")).to_have_text(_("Please check before printing"))
    expect(page.locator(".counters")).to_contain_text("市民課" if language == "ja" else "Citizens Division")
    page.locator('form[action="/kiosk/confirm"] button').click()
    expect(page.locator(".ticket")).to_have_text(re.compile(r"^A-?\d+"))
    expect(page.locator("h1")).to_have_text(_("Please take your slip"))
    ticket = page.locator(".ticket").inner_text()

    [job] = jobs_after(unit.printer, before)
    slip = decode(job)
    printed = "\n".join(slip.lines)
    assert ticket in printed
    assert "市民課" in printed
    assert ("Your number" in printed) == (language == "en")
    assert HOLDER.name not in printed
    status, qr = slip.qr_payloads  # the ticket's status page, then the case QR
    assert (unit.workdir / "kiosk-previews" / f"slip-{ticket}.png").read_bytes().startswith(b"\x89PNG")
    opened = open_qr(qr.decode("ascii"), unit.counter_key)
    assert isinstance(opened.payload, CaseQr)
    assert opened.payload.ticket == ticket
    assert opened.payload.facts.applicant == HOLDER
    assert opened.payload.facts.language == language
    assert len(opened.payload.facts.household) == (1 if language == "en" else 0)
    submission = opened.payload.submission_id
    assert status.decode().endswith(status_path(status_token(submission)))  # under central's URL
    assert status.decode() in printed.replace(
        "\n", ""
    )  # also as text (wrapped), for a phone without a camera
    wait_until(lambda: submission in case_ids(unit.workdir), timeout=30, what="central to store the case")

    page.locator('form[action="/kiosk/finish"] button').click()
    expect(page.locator('button[value="ja"]')).to_be_visible()
    assert page.context.request.get(unit.url + "/kiosk/done").url.endswith("/kiosk/")
    assert_nothing_personal_on_disk(unit)


def assert_nothing_personal_on_disk(unit: Unit) -> None:
    """The unit's data dir (outbox included) and its log hold no plaintext of the citizen's data."""
    files = [path for path in unit.data_dir.rglob("*") if path.is_file()]
    files.append(unit.workdir / "kiosk.log")
    for secret in (HOLDER.name, HOLDER.address, HOLDER.birth_date.replace("-", ""), HOLDER.birth_date):
        for path in files:
            assert secret.encode() not in path.read_bytes(), path.name


def test_back_undoes_one_answer(page: Page, unit: Unit, card: VirtualCard) -> None:
    begin(page, unit, "ja", "move_within")
    page.locator('a[href="/kiosk/card"]').click()
    enter_pin(page, PIN)
    page.locator('a[href="/kiosk/question"]').click()
    first = page.locator("h1").inner_text()
    page.locator("#answer").fill("みどり市中央町一丁目２番３号")
    page.locator('form.question button[type="submit"]').click()
    expect(page.locator("h1")).not_to_have_text(first)
    page.locator('form[action="/kiosk/question/back"] button').click()
    expect(page.locator("h1")).to_have_text(first)
    expect(page.locator("#answer")).to_have_value("みどり市中央町一丁目２番３号")  # shown again, not cleared


def test_one_try_left_is_never_tried(page: Page, unit: Unit, card: VirtualCard) -> None:
    card.tries_left = 1
    begin(page, unit, "ja", "move_in")
    page.locator('a[href="/kiosk/card"]').click()
    expect(page.locator("h1")).to_have_text(translations("ja").gettext("Your card's PIN cannot be used here"))
    assert card.verify_commands() == []


def test_wrong_pin_shows_tries_left(page: Page, unit: Unit, card: VirtualCard) -> None:
    _ = translations("en").gettext
    begin(page, unit, "en", "move_in")
    page.locator('a[href="/kiosk/card"]').click()
    enter_pin(page, "9999")
    expect(page.locator(".error")).to_have_text(_("The PIN is not correct."))
    expect(page.locator(".hint")).to_have_text(_("Tries left: %(tries)s") % {"tries": 2})


def test_typed_entry(page: Page, unit: Unit) -> None:
    _ = translations("ko").gettext
    begin(page, unit, "ko", "certificates")
    page.locator('a[href="/kiosk/typed"]').click()
    fill_person(page, "김　민수", "1990-01-31", "1", address="みどり市中央町一丁目２番３号")
    expect(page.locator("h1")).to_have_text(_("Who is this about?"))
    expect(page.locator(".people")).to_contain_text("김　민수")
    expect(page.locator(".people")).to_contain_text("1990-01-31")


def test_paper_out_keeps_the_case_and_prints_again(page: Page, unit: Unit) -> None:
    _ = translations("ja").gettext
    begin(page, unit, "ja", "certificates")
    page.locator('a[href="/kiosk/typed"]').click()
    fill_person(page, HOLDER.name, HOLDER.birth_date, "2", address=HOLDER.address)
    page.locator('a[href="/kiosk/question"]').click()
    answer_everything(page)
    cases = len(case_ids(unit.workdir))
    before = len(unit.printer.jobs)
    unit.printer.paper_out = True
    try:
        page.locator('form[action="/kiosk/confirm"] button').click()
        expect(page.locator("h1")).to_have_text(_("The slip could not be printed"))
        ticket = page.locator(".ticket").inner_text()
        wait_until(lambda: len(case_ids(unit.workdir)) > cases, timeout=30, what="the case at central")
    finally:
        unit.printer.paper_out = False
    page.locator('form[action="/kiosk/reprint"] button').click()
    expect(page.locator("h1")).to_have_text(_("Please take your slip"))
    [job] = jobs_after(unit.printer, before)  # the reprint alone: nothing was printed while paper was out
    assert ticket in "\n".join(decode(job).lines)
