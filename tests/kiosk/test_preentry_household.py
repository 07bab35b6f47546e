"""The pre-entry page asks what the kiosk asks about the household (who the applicant is to it, its address
when they live elsewhere, its head) and takes dates as 和暦 or 西暦 with the kiosk's own date entry
(`protocol/date_entry`); the QR carries the answers to the kiosk, whose review shows them. In Japanese and
in English.

Pictures for docs/screenshots/ are taken here when MADOGUCHI_SCREENSHOTS=1.
"""

import base64
from pathlib import Path

import httpx
import msgspec
from PIL import Image
from playwright.sync_api import Page, expect
from pyzbar.pyzbar import decode as zbar

from central.preentry.i18n import translations
from edge_agent.kiosk.i18n import translations as kiosk_translations
from protocol.citizen_text import HEAD, HOUSEHOLD_ADDRESS, ROLE_QUESTION, ROLES
from protocol.facts import Facts
from protocol.qr_seal import PreEntryQr, open_qr
from testbed.households import PLANNER
from testbed.processes import Service

from .conftest import Unit
from .screens import answer_preentry, begin, fill_date, save_screenshot

EXAMPLE = next(
    item for item in PLANNER.catalog.content.examples if item.id == "death_reported_by_son_elsewhere"
)
SON_ELSEWHERE = msgspec.convert(EXAMPLE.facts, Facts)


def qr_facts(page: Page, unit: Unit) -> tuple[bytes, Facts]:
    """The QR image the page shows and the facts sealed in it."""
    source = str(page.locator("img.qr").get_attribute("src"))
    png = base64.b64decode(source.split(",", 1)[1])
    path = unit.workdir / "preentry-household.png"
    path.write_bytes(png)
    [symbol] = zbar(Image.open(path).convert("L"))
    payload = open_qr(symbol.data.decode("ascii"), unit.counter_key).payload
    assert isinstance(payload, PreEntryQr)
    return png, payload.facts


def test_son_elsewhere_enters_the_death_at_home_in_japanese(
    page: Page, unit: Unit, stack: tuple[Path, Service]
) -> None:
    _, central = stack
    _ = translations("ja").gettext
    son = SON_ELSEWHERE.applicant
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{central.base_url}/preentry/?lang=ja")
    page.locator("#life_event").select_option("death")
    page.locator("#name").fill(son.name)
    page.locator('select[name="birth_date_era"]').select_option("昭和")  # 1970 as 昭和45年
    page.locator('input[name="birth_date_year"]').fill("45")
    page.locator('select[name="birth_date_month"]').select_option("3")
    page.locator('select[name="birth_date_day"]').select_option("15")
    expect(page.locator("[data-date-shown]").first).to_have_text("昭和45年3月15日 = 1970年3月15日")
    page.locator('input[name="sex"][value="1"]').check()
    page.locator("#address").fill(son.address)
    role = page.locator("fieldset.role")
    expect(role.locator("legend")).to_have_text(_(ROLE_QUESTION))
    expect(role.locator('input[value="member"]')).to_be_checked()  # the default
    expect(page.locator("#household_address")).to_be_hidden()  # asked only of someone living elsewhere
    role.locator('input[value="relative"]').check()
    expect(page.locator('label[for="household_address"]')).to_have_text(_(HOUSEHOLD_ADDRESS))
    page.locator("#household_address").fill(str(SON_ELSEWHERE.household_address))
    page.locator('button[value="make"]').click()  # nobody in the household yet
    expect(page.locator("#household-problem")).to_have_text(
        _("Please add the people of the household (you are not one of them).")
    )
    expect(page.locator('select[name="birth_date_era"]')).to_have_value("AD")  # kept, as 西暦
    expect(page.locator('input[name="birth_date_year"]')).to_have_value("1970")
    for index, member in enumerate(SON_ELSEWHERE.household):
        page.locator('button[value="add"]').click()
        page.locator(f"#m{index}_name").fill(member.name)
        fill_date(page, f"m{index}_birth_date", member.birth_date)
        page.locator(f'input[name="m{index}_sex"][value="{member.sex}"]').check()
        page.locator(f"#m{index}_relation").select_option(member.relation)
    expect(page.locator('label[for="head"]')).to_have_text(_(HEAD))
    expect(page.locator("#head")).to_have_value("1")  # the first member, since the son lives elsewhere
    save_screenshot("preentry-household.png", page)
    page.locator('button[value="make"]').click()
    expect(page.locator("h1")).to_have_text(_("A few questions"))
    answer_preentry(page)
    png, facts = qr_facts(page, unit)
    assert facts.applicant.birth_date == son.birth_date
    assert facts.applicant_role == "relative"
    assert facts.household_address == SON_ELSEWHERE.household_address
    assert facts.head_id == "1"
    assert facts.household == SON_ELSEWHERE.household

    (unit.camera / "phone.png").write_bytes(png)  # the kiosk's review shows what was entered at home
    try:
        begin(page, unit, "ja", "death")
        page.locator('a[href="/kiosk/scan"]').click()
        household = page.locator("table.review").first
        expect(household).to_contain_text(son.name, timeout=20_000)
    finally:
        (unit.camera / "phone.png").unlink()
    kiosk = kiosk_translations("ja").gettext
    expect(household).to_contain_text(kiosk(ROLES["relative"]))
    expect(household).to_contain_text(str(SON_ELSEWHERE.household_address))
    expect(household.locator("tr", has_text=kiosk(HEAD))).to_contain_text(SON_ELSEWHERE.household[0].name)


def test_household_questions_and_era_dates_in_english(page: Page, stack: tuple[Path, Service]) -> None:
    _, central = stack
    _ = translations("en").gettext
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{central.base_url}/preentry/?lang=en")
    page.locator("#life_event").select_option("certificates")
    page.locator("#name").fill("Maria Santos")
    page.locator('select[name="birth_date_era"]').select_option("平成")
    page.locator('input[name="birth_date_year"]').fill("40")  # 平成 ended in its 31st year
    page.locator('select[name="birth_date_month"]').select_option("1")
    page.locator('select[name="birth_date_day"]').select_option("1")
    page.locator('input[name="sex"][value="2"]').check()
    page.locator("#address").fill("Tokyo, Minato 1-1")
    page.locator("fieldset.role").locator('input[value="agent"]').check()
    expect(page.locator("fieldset.role")).to_contain_text(_(ROLES["agent"]))
    page.locator('button[value="add"]').click()
    expect(page.locator("#head")).to_be_visible()
    page.locator("#m0_name").fill("Jose Santos")
    fill_date(page, "m0_birth_date", "1948-05-05")
    page.locator('input[name="m0_sex"][value="1"]').check()
    page.locator("#m0_relation").select_option("father")
    page.locator('button[value="make"]').click()
    expect(page.locator("#birth_date-problem")).to_have_text(_("Please enter the date of birth."))
    expect(page.locator("#household_address-problem")).to_have_text(
        _("Please enter the household's address.")
    )
    expect(page.locator('#head option[value="1"]')).to_have_text("Jose Santos")
    save_screenshot("preentry-household-en.png", page)

    page.locator('select[name="birth_date_era"]').select_option("平成")
    page.locator('input[name="birth_date_year"]').fill("2")  # a day that does not exist is entered again
    page.locator('select[name="birth_date_month"]').select_option("1")
    page.locator('select[name="birth_date_day"]').select_option("1")
    expect(page.locator("[data-date-shown]").first).to_have_text("平成2年1月1日 = 1990年1月1日")
    page.locator("#household_address").fill("みどり市港町9番9号")
    page.locator('button[value="make"]').click()
    expect(page.locator("h1")).to_have_text(_("A few questions"))


def test_household_details_are_checked_on_the_server(stack: tuple[Path, Service]) -> None:
    """Without the page: a relative with no household address or nobody in it is told so; an unknown role
    or a head who is not in the household falls back to the defaults."""
    _, central = stack
    base = {"lang": "en", "life_event": "death", "name": "x", "address": "y", "sex": "1"}
    base |= {
        "birth_date_era": "昭和",
        "birth_date_year": "45",
        "birth_date_month": "3",
        "birth_date_day": "15",
    }
    refused = httpx.post(
        f"{central.base_url}/preentry/",
        data={**base, "members": "0", "action": "make", "applicant_role": "relative"},
        timeout=5,
    )
    assert refused.status_code == 422
    assert 'id="household_address-problem"' in refused.text
    assert 'id="household-problem"' in refused.text
    assert 'id="birth_date-problem"' not in refused.text
    member = {"m0_name": "z", "m0_birth_date": "1940-01-01", "m0_sex": "1", "m0_relation": "father"}
    taken = httpx.post(
        f"{central.base_url}/preentry/",
        data={**base, **member, "members": "1", "action": "make", "applicant_role": "boss", "head": "7"},
        timeout=5,
    )
    assert taken.status_code == 200  # the questions: a member (the default) whose head is the default
    assert translations("en").gettext("A few questions") in taken.text
