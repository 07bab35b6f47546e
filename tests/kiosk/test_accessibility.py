"""axe-core (WCAG 2.2 AA rules) finds nothing on any kiosk or pre-entry page, in any of the ten languages.

One browser page walks every screen — card and PIN, refusal, scan, typed entry with an error, household,
the questions of a move-in with a child, review, slip, admin — and the pre-entry form, its errors, its QR.
"""

from pathlib import Path

from playwright.sync_api import Page, expect

from edge_agent.hardware.card_emulator import VirtualCard
from edge_agent.kiosk.i18n import LANGUAGES
from testbed.processes import Service

from . import axe
from .conftest import ADMIN_PIN, PIN, Unit
from .screens import answer_one, begin, enter_pin, fill_person

EVERY_QUESTION = {"ja", "en"}
"""Languages checked on every question screen; the others on the first screen of each question type (the
screens of one type share their markup and differ only in the catalog's text)."""


def question_kind(page: Page) -> str:
    """What a question screen asks for: its input type, or buttons / checkboxes."""
    form = page.locator("form.question")
    if form.locator("#answer").count():
        return form.locator("#answer").get_attribute("type") or "text"
    return "checkboxes" if form.locator('input[type="checkbox"]').count() else "buttons"


def kiosk_pages(page: Page, unit: Unit, card: VirtualCard, language: str) -> list[str]:
    found: list[str] = []
    begin(page, unit, language, "move_in")
    found += axe.violations(page)  # identity (the language and event screens are checked below)
    card.tries_left = 1
    page.locator('a[href="/kiosk/card"]').click()
    found += axe.violations(page)  # one try left: refused
    card.tries_left = 3
    page.reload()
    found += axe.violations(page)  # PIN pad
    enter_pin(page, "9999")
    found += axe.violations(page)  # wrong PIN
    card.tries_left = 3
    for path in ("/kiosk/scan", "/kiosk/typed"):
        page.goto(unit.url + path)
        found += axe.violations(page)
    page.locator('form.fields button[type="submit"]').click()
    found += axe.violations(page)  # typed entry with errors
    page.goto(unit.url + "/kiosk/card")
    enter_pin(page, PIN)
    page.locator('a[href="/kiosk/household/add"]').click()
    found += axe.violations(page)
    fill_person(page, "窓口　一郎", "2020-06-01", "1", relation="child")
    found += axe.violations(page)  # household with a member
    page.locator('a[href="/kiosk/question"]').click()
    checked: set[str] = set()
    while "/kiosk/question" in page.url:
        kind = question_kind(page)
        if language in EVERY_QUESTION or kind not in checked:
            found += axe.violations(page)
            checked.add(kind)
        answer_one(page)
    found += axe.violations(page)  # review
    page.locator('form[action="/kiosk/confirm"] button').click()
    expect(page.locator(".ticket")).to_be_visible()
    found += axe.violations(page)  # take your slip
    page.locator('form[action="/kiosk/finish"] button').click()
    return found


def test_axe_finds_violations(page: Page, unit: Unit) -> None:
    axe.enable(page.context)
    page.goto(unit.url + "/kiosk/")
    page.evaluate("() => document.querySelector('main').append(document.createElement('img'))")
    assert [line.split(": ")[1].split(" ")[0] for line in axe.violations(page)] == ["image-alt"]


def test_kiosk_pages_have_no_violations(page: Page, unit: Unit, card: VirtualCard) -> None:
    axe.enable(page.context)
    page.goto(unit.url + "/kiosk/")
    found = axe.violations(page)  # languages
    page.locator('button[value="ja"]').click()
    found += axe.violations(page)  # life events
    for language in LANGUAGES:
        found += kiosk_pages(page, unit, card, language)
        page.goto(unit.url + "/kiosk/")
        page.locator(f'button[value="{language}"]').click()
        found += axe.violations(page)  # life events in this language
    page.goto(unit.url + "/kiosk/admin")
    found += axe.violations(page)
    page.locator("#pin").fill(ADMIN_PIN)
    page.locator('form.pin button[type="submit"]').click()
    found += axe.violations(page)  # admin menu
    assert found == []


def test_preentry_pages_have_no_violations(page: Page, stack: tuple[Path, Service]) -> None:
    _, central = stack
    axe.enable(page.context)
    page.set_viewport_size({"width": 390, "height": 844})
    found: list[str] = []
    for language in LANGUAGES:
        page.goto(f"{central.base_url}/preentry/?lang={language}")
        found += axe.violations(page)
        page.locator('button[value="add"]').click()
        page.locator('button[value="make"]').click()
        found += axe.violations(page)  # every field wrong, one member row
        page.locator("#name").fill("出島　明")
        page.locator("#birth_date").fill("1990-07-07")
        page.locator('input[name="sex"][value="1"]').check()
        page.locator("#address").fill("長崎県長崎市出島町１－１")
        page.locator("#m0_name").fill("出島　光")
        page.locator("#m0_birth_date").fill("2019-03-03")
        page.locator('input[name="m0_sex"][value="2"]').check()
        page.locator('button[value="make"]').click()
        expect(page.locator("img.qr")).to_be_visible()
        found += axe.violations(page)
    assert found == []
