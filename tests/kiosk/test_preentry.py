"""The pre-entry round trip: the phone page on central → QR image → the kiosk's camera folder → a prefilled
session that goes on to a printed slip; and the page refuses an incomplete entry."""

import base64
from pathlib import Path

import httpx
from cryptography.hazmat.primitives.asymmetric import ed25519
from PIL import Image
from playwright.sync_api import Page, expect
from pyzbar.pyzbar import decode as zbar

from central.preentry.i18n import translations
from protocol.qr_seal import PreEntryQr, QrKind, open_qr
from testbed.escpos_decode import decode
from testbed.processes import Service

from .conftest import Unit, jobs_after
from .screens import answer_preentry, begin, fill_date

APPLICANT = ("出島　明", "長崎県長崎市出島町１－１", "1990-07-07")
CHILD = ("出島　光", "2019-03-03")


def make_preentry_qr(page: Page, central: Service, language: str) -> bytes:
    """Fill in the phone page as a citizen would and return the QR image it shows (PNG bytes)."""
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{central.base_url}/preentry/?lang={language}")
    page.locator("#life_event").select_option("move_in")
    page.locator("#name").fill(APPLICANT[0])
    fill_date(page, "birth_date", APPLICANT[2])
    page.locator('input[name="sex"][value="1"]').check()
    page.locator("#address").fill(APPLICANT[1])
    page.locator('button[value="add"]').click()
    page.locator("#m0_name").fill(CHILD[0])
    fill_date(page, "m0_birth_date", CHILD[1])
    page.locator('input[name="m0_sex"][value="2"]').check()
    page.locator("#m0_relation").select_option("child")
    page.locator('button[value="make"]').click()
    expect(page.locator("h1")).to_have_text(translations(language).gettext("A few questions"))
    assert answer_preentry(page) >= 10, "the whole questionnaire is answered at home"
    source = page.locator("img.qr").get_attribute("src")
    assert source is not None
    assert source.startswith("data:image/png;base64,")
    return base64.b64decode(source.split(",", 1)[1])


def test_round_trip_to_a_printed_slip(page: Page, unit: Unit, stack: tuple[Path, Service]) -> None:
    _, central = stack
    png = make_preentry_qr(page, central, "en")
    (unit.camera / "phone.png").write_bytes(png)
    try:
        begin(page, unit, "en", "move_in")
        page.locator('a[href="/kiosk/scan"]').click()
        household = page.locator("table.review").first  # scan, check, confirm: no question left
        expect(household).to_contain_text(APPLICANT[0], timeout=20_000)
        expect(household).to_contain_text(CHILD[0])
    finally:
        (unit.camera / "phone.png").unlink()
    expect(page.locator("table.review").nth(1)).to_contain_text("099-000-0000")
    before = len(unit.printer.jobs)
    page.locator('form[action="/kiosk/confirm"] button').click()
    expect(page.locator(".ticket")).to_be_visible()
    [job] = jobs_after(unit.printer, before)
    _status, qr = decode(job).qr_payloads  # the ticket's status page, then the case QR
    case = open_qr(qr.decode("ascii"), unit.counter_key).payload
    assert case.facts.applicant.name == APPLICANT[0]
    assert [member.name for member in case.facts.household] == [CHILD[0]]


def test_preentry_qr_is_sealed_and_signed_by_central(
    page: Page, unit: Unit, stack: tuple[Path, Service]
) -> None:
    _, central = stack
    png = make_preentry_qr(page, central, "ja")
    path = unit.workdir / "preentry.png"
    path.write_bytes(png)
    [symbol] = zbar(Image.open(path).convert("L"))
    opened = open_qr(symbol.data.decode("ascii"), unit.counter_key)
    assert opened.kind == QrKind.PREENTRY
    assert isinstance(opened.payload, PreEntryQr)
    assert opened.payload.facts.language == "ja"
    key = httpx.get(f"{central.base_url}/preentry/key", timeout=5).json()
    opened.verify(ed25519.Ed25519PublicKey.from_public_bytes(base64.b64decode(key["public_key"])))


def test_incomplete_entry_names_the_fields(stack: tuple[Path, Service]) -> None:
    _, central = stack
    answer = httpx.post(
        f"{central.base_url}/preentry/",
        data={"lang": "en", "members": "0", "action": "make", "life_event": "move_in", "name": "x"},
        timeout=5,
    )
    assert answer.status_code == 422
    assert 'id="birth_date-problem"' in answer.text
    assert 'id="address-problem"' in answer.text
    assert 'id="name-problem"' not in answer.text
