"""Moves through kiosk (and pre-entry) screens that several browser tests share; they find elements by
structure, not by text, so the same steps work in every language."""

import os
from collections.abc import Mapping
from datetime import date
from pathlib import Path

from PIL import Image
from playwright.sync_api import Page

from .conftest import Unit

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
WHOLE_PAGE = """() => {
  const main = document.querySelector("main");
  return main.offsetTop + main.scrollHeight + document.querySelector("footer").offsetHeight;
}"""


def save_screenshot(name: str, image: Image.Image | Page) -> None:
    """Keep a picture for docs/screenshots/ when MADOGUCHI_SCREENSHOTS=1 (the docs are refreshed on purpose,
    never as a side effect of an ordinary test run)."""
    if os.environ.get("MADOGUCHI_SCREENSHOTS") != "1":
        return
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    if isinstance(image, Image.Image):
        image.save(SCREENSHOTS / name)
        return
    if not image.locator("footer.bottom").count():  # the pre-entry page scrolls as a whole
        image.screenshot(path=str(SCREENSHOTS / name), full_page=True)
        return
    size = image.viewport_size or {"width": 1280, "height": 800}
    whole = int(image.evaluate(WHOLE_PAGE))
    if whole > size["height"]:  # the kiosk scrolls inside <main>: a taller window shows all of it at once
        image.set_viewport_size({"width": size["width"], "height": whole})
    image.screenshot(path=str(SCREENSHOTS / name))
    image.set_viewport_size(size)


def begin(page: Page, unit: Unit, language: str, event: str) -> None:
    """Language and life event: the screens before identification."""
    page.goto(unit.url + "/kiosk/")
    for choice in (language, event):  # each answer loads the next page; wait for it (a caller may read it)
        with page.expect_navigation():
            page.locator(f'button[value="{choice}"]').click()


def enter_pin(page: Page, pin: str) -> None:
    """Tap the PIN on the on-screen pad and confirm."""
    if not page.locator(".pinpad").count():
        raise AssertionError(page.url + " " + page.locator("h1").inner_text())
    for digit in pin:
        page.locator(f'.pinpad button[data-key="{digit}"]').click()
    page.locator('form.pin button[type="submit"]').click()


def fill_date(page: Page, name: str, iso: str) -> None:
    """The date entry (kiosk and pre-entry page) in Western years: year typed, month and day chosen."""
    year, month, day = iso.split("-")
    page.locator(f'select[name="{name}_era"]').select_option("AD")
    page.locator(f'input[name="{name}_year"]').fill(year)
    page.locator(f'select[name="{name}_month"]').select_option(str(int(month)))
    page.locator(f'select[name="{name}_day"]').select_option(str(int(day)))


def answer_one(page: Page) -> None:
    """Answer the question on screen (last choice, first box, today or a sample text); wait for the next."""
    form = page.locator("form.question")
    field = form.locator("#answer")
    if form.locator('select[name="value_era"]').count():
        fill_date(page, "value", date.today().isoformat())
    elif field.count() and field.get_attribute("data-keyboard") != "digits":
        field.fill("みどり市中央町一丁目２番３号")
    elif field.count() and field.get_attribute("type") == "tel":
        field.fill("099-000-0000")
    checkboxes = form.locator('input[type="checkbox"]:not([disabled])')
    if checkboxes.count():
        checkboxes.first.check()
    choices = form.locator('button[name="value"]')
    with page.expect_navigation():
        (choices.last if choices.count() else form.locator('button[type="submit"]').first).click()


def answer_everything(page: Page) -> int:
    """Answer every question screen until the review; returns how many there were."""
    screens = 0
    while "/kiosk/question" in page.url:
        screens += 1
        answer_one(page)
    return screens


def fill_person(
    page: Page, name: str, birth_date: str, sex: str, *, relation: str = "", address: str = ""
) -> None:
    """The kiosk's person form (typed entry, or a household member with a relation), then submit."""
    page.locator("#name").fill(name)
    fill_date(page, "birth_date", birth_date)
    page.locator(f'input[name="sex"][value="{sex}"]').check()
    if relation:
        page.locator("#relation").select_option(relation)
    if address:
        page.locator("#address").fill(address)
    page.locator('button[type="submit"][form="person"]').click()


def answer_preentry(page: Page) -> int:
    """Answer the pre-entry page's question pages (first choice, no boxes ticked, today, sample texts) until
    its QR shows; returns how many questions there were."""
    questions = 0
    while not page.locator("img.qr").count():
        fieldsets = page.locator("form fieldset")
        for index in range(fieldsets.count()):
            fieldset = fieldsets.nth(index)
            questions += 1
            if fieldset.locator('input[type="radio"]').count():
                fieldset.locator('input[type="radio"]').last.check()
            elif fieldset.locator("[data-date-entry]").count():
                era = fieldset.locator('select[name$="_era"]').get_attribute("name")
                fill_date(page, str(era).removesuffix("_era"), date.today().isoformat())
            elif fieldset.locator('input[type="tel"]').count():
                fieldset.locator('input[type="tel"]').fill("099-000-0000")
            elif fieldset.locator('input[type="text"]').count():
                fieldset.locator('input[type="text"]').fill("長崎県長崎市出島町１－１")
        with page.expect_navigation():
            page.locator('button[value="make"]').click()
    return questions


def answer_as(page: Page, answers: Mapping[str, object]) -> int:
    """Answer every question screen with the given answers by question id (yes/no, a choice or a person,
    people ticked, a date or a text) until the review; returns how many screens there were. A question
    without an answer here fails the test: the flow asked something the household does not expect."""
    screens = 0
    while "/kiosk/question" in page.url:
        screens += 1
        form = page.locator("form.question")
        question = str(form.locator('input[name="question"]').get_attribute("value"))
        assert question in answers, f"the kiosk asked {question!r}"
        value = answers[question]
        with page.expect_navigation():
            if isinstance(value, bool):
                form.locator(f'button[name="value"][value="{"yes" if value else "no"}"]').click()
            elif isinstance(value, list):
                for item in value:
                    form.locator(f'input[type="checkbox"][value="{item}"]').check()
                form.locator('button[type="submit"]').click()
            elif form.locator(f'button[name="value"][value="{value}"]').count():
                form.locator(f'button[name="value"][value="{value}"]').click()
            elif form.locator('select[name="value_era"]').count():
                fill_date(page, "value", str(value))
                form.locator('button[type="submit"]').click()
            else:
                form.locator("#answer").fill(str(value))
                form.locator('button[type="submit"]').click()
    return screens
