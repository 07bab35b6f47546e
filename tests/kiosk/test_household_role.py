"""Who the applicant is to the household, the household's address and its head, at the kiosk: a son who
lives elsewhere reports his father's death with his own My Number Card (the catalog's
`death_reported_by_son_elsewhere`), and an agent files for a family; in Japanese and in English. The
defaults need no tap, the review shows the three answers with a way to change each, and the sealed case
carries them.

Pictures for docs/screenshots/ are taken here when MADOGUCHI_SCREENSHOTS=1.
"""

from datetime import date

import msgspec
from playwright.sync_api import Locator, Page, expect

from edge_agent.hardware.card_emulator import VirtualCard, VpcdCard
from edge_agent.hardware.pcsc_stack import running_pcscd
from edge_agent.kiosk.i18n import translations
from procedures.navigator import make_plan
from protocol.citizen_text import HEAD, HOUSEHOLD_ADDRESS, ROLE_QUESTION, ROLES
from protocol.facts import Facts
from protocol.qr_seal import CaseQr, open_qr
from testbed.escpos_decode import decode
from testbed.households import PLANNER

from .conftest import HOLDER, PIN, SLOT, Unit, jobs_after
from .screens import answer_as, begin, enter_pin, fill_person, save_screenshot

EXAMPLE = next(
    item for item in PLANNER.catalog.content.examples if item.id == "death_reported_by_son_elsewhere"
)
SON_ELSEWHERE = msgspec.convert(EXAMPLE.facts, Facts)
CERTIFICATES = {"phone": "099-000-0000", "resident_copies": 1, "certificates": ["seal_certificate"]}


def role_button(page: Page, role: str) -> Locator:
    return page.locator(f'form[action="/kiosk/household/role"] button[value="{role}"]')


def head_button(page: Page, person: str) -> Locator:
    return page.locator(f'form[action="/kiosk/household/head"] button[value="{person}"]')


def confirm_and_open(page: Page, unit: Unit) -> Facts:
    """Confirm the review; the facts sealed into the slip's case QR."""
    before = len(unit.printer.jobs)
    page.locator('form[action="/kiosk/confirm"] button').click()
    expect(page.locator(".ticket")).to_be_visible()
    [job] = jobs_after(unit.printer, before)
    _status, qr = decode(job).qr_payloads
    case = open_qr(qr.decode("ascii"), unit.counter_key).payload
    assert isinstance(case, CaseQr)
    return case.facts


def test_son_living_elsewhere_reports_his_fathers_death(page: Page, unit: Unit) -> None:
    _ = translations("ja").gettext
    son = SON_ELSEWHERE.applicant
    page.set_viewport_size({"width": 1280, "height": 800})
    with running_pcscd(), VpcdCard(VirtualCard(son, pin=PIN), slot=SLOT):
        begin(page, unit, "ja", "death")
        page.locator('a[href="/kiosk/card"]').click()
        enter_pin(page, PIN)
        expect(page.locator(".people")).to_contain_text(son.name)
    expect(page.locator("#role-question")).to_have_text(_(ROLE_QUESTION))
    expect(role_button(page, "member")).to_have_attribute("aria-pressed", "true")  # the default: no tap
    expect(role_button(page, "relative")).to_have_text(_(ROLES["relative"]))

    role_button(page, "relative").click()  # one tap: the household's address is asked next
    expect(page.locator("h1")).to_have_text(_(HOUSEHOLD_ADDRESS))
    save_screenshot("kiosk-household-address.png", page)
    page.locator('button[form="household-address"]').click()
    expect(page.locator(".error")).to_have_text(_("Please enter the household's address."))
    household_address = str(SON_ELSEWHERE.household_address)
    page.locator("#address").fill(household_address)
    page.locator('button[form="household-address"]').click()
    expect(role_button(page, "relative")).to_have_attribute("aria-pressed", "true")
    expect(page.locator(".household-address")).to_contain_text(household_address)
    page.locator('a.next[href="/kiosk/question"]').click()  # nobody in the household yet: not planned
    expect(page.locator(".error")).to_have_text(
        _("Please add the people of the household (you are not one of them).")
    )
    expect(page.locator(".people")).not_to_contain_text(son.name)  # listed only while he lives there

    for member in SON_ELSEWHERE.household:
        page.locator('a[href="/kiosk/household/add"]').click()
        fill_person(page, member.name, member.birth_date, member.sex, relation=member.relation)
    expect(page.locator("#head-question")).to_have_text(_(HEAD))
    expect(head_button(page, "0")).to_have_count(0)  # the son is not in the household
    expect(head_button(page, "1")).to_have_attribute("aria-pressed", "true")  # the father, first member
    save_screenshot("kiosk-household-role.png", page)
    page.locator('a.next[href="/kiosk/question"]').click()
    assert answer_as(page, SON_ELSEWHERE.answers) == len(SON_ELSEWHERE.answers)

    expect(page.locator("h1")).to_have_text(_("Please check before printing"))
    household = page.locator("table.review").first
    expect(household).to_contain_text(_(ROLES["relative"]))
    expect(household).to_contain_text(household_address)
    expect(household.locator("tr", has_text=_(HEAD))).to_contain_text(SON_ELSEWHERE.household[0].name)
    plan = make_plan(PLANNER.catalog, SON_ELSEWHERE, date.today())
    planned = {procedure.id for procedure in plan.procedures}
    assert set(EXAMPLE.expect.procedures) <= planned
    assert not set(EXAMPLE.expect.absent) & planned
    counters = page.locator(".counters")
    for procedure in plan.procedures:
        expect(counters).to_contain_text(procedure.name.citizen)
    save_screenshot("kiosk-review-relative.png", page)

    sealed = confirm_and_open(page, unit)
    assert sealed.applicant_role == "relative"
    assert sealed.household_address == household_address
    assert sealed.head_id == "1"
    assert sealed.household == SON_ELSEWHERE.household
    assert dict(sealed.answers) == dict(SON_ELSEWHERE.answers)


def test_agent_changes_role_address_and_head_from_the_review(
    page: Page, unit: Unit, card: VirtualCard
) -> None:
    _ = translations("en").gettext
    page.set_viewport_size({"width": 1280, "height": 800})
    begin(page, unit, "en", "certificates")
    page.locator('a[href="/kiosk/card"]').click()
    enter_pin(page, PIN)
    expect(role_button(page, "agent")).to_have_text(_(ROLES["agent"]))
    for name, born, sex, relation in (
        ("委任　一", "1950-02-02", "1", "father"),
        ("委任　二", "1952-03-03", "2", "mother"),
    ):
        page.locator('a[href="/kiosk/household/add"]').click()
        fill_person(page, name, born, sex, relation=relation)
    expect(head_button(page, "0")).to_have_attribute("aria-pressed", "true")  # a member: the card holder
    head_button(page, "2").click()
    expect(head_button(page, "2")).to_have_attribute("aria-pressed", "true")
    role_button(page, "agent").click()
    page.locator("#address").fill("みどり市港町9番9号")
    page.locator('button[form="household-address"]').click()
    expect(head_button(page, "0")).to_have_count(0)
    expect(head_button(page, "2")).to_have_attribute("aria-pressed", "true")  # still a member: kept
    page.locator('a.next[href="/kiosk/question"]').click()
    answer_as(page, CERTIFICATES)

    household = page.locator("table.review").first
    expect(household).to_contain_text(_(ROLES["agent"]))
    expect(household.locator("tr", has_text=_(HOUSEHOLD_ADDRESS))).to_contain_text("みどり市港町9番9号")
    expect(household.locator("tr", has_text=_(HEAD))).to_contain_text("委任　二")
    save_screenshot("kiosk-review-agent-en.png", page)
    household.locator('a[href="/kiosk/household/address?returning=review"]').click()
    expect(page.locator("#address")).to_have_value("みどり市港町9番9号")
    page.locator("#address").fill("みどり市港町1番1号")
    page.locator('button[form="household-address"]').click()
    expect(page.locator("h1")).to_have_text(_("Please check before printing"))
    expect(household).to_contain_text("みどり市港町1番1号")

    household.locator("tr", has_text=_(ROLE_QUESTION)).locator("a").click()
    role_button(page, "member").click()  # changed their mind: a member again, the address is dropped
    expect(page.locator(".household-address")).to_have_count(0)
    page.locator('a.next[href="/kiosk/question"]').click()
    answer_as(page, CERTIFICATES)
    expect(household).not_to_contain_text("みどり市港町1番1号")
    sealed = confirm_and_open(page, unit)
    assert sealed.applicant == HOLDER
    assert sealed.applicant_role == "member"
    assert sealed.household_address is None
    assert sealed.head_id == "2"
