"""What a citizen meets on the kiosk's screens, in Japanese and in English: the review shows everything that
will be sent with a way to change it, "back" shows the earlier answer, the idle warning counts down and can
be dismissed, progress and "start over" on every screen, pages that fit the screen, the page's own messages
instead of the browser's, nothing chosen for the citizen, a far move date questioned, no card question after
the card was read, the on-screen keyboard (kana → kanji) and the 和暦/西暦 date entry.

Pictures for docs/screenshots/ are taken here when MADOGUCHI_SCREENSHOTS=1.
"""

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from edge_agent.hardware.card_emulator import VirtualCard
from edge_agent.kiosk.i18n import translations
from procedures.loader import load_catalog_dir
from procedures.planner import SAMPLE_CATALOG

from .conftest import HOLDER, PIN, Unit
from .screens import answer_everything, answer_one, begin, enter_pin, fill_date, fill_person, save_screenshot

FAMILY = [
    ("窓口　太郎", "1983-02-11", "1", "husband"),
    ("窓口　一郎", "2014-05-20", "1", "child"),
    ("窓口　さくら", "2018-08-15", "2", "child"),
    ("窓口　健太", "2023-02-10", "1", "child"),
]


def fits(page: Page) -> bool:
    """The page does not scroll: its footer (start over, confirm) is always on screen."""
    return bool(page.evaluate("() => document.documentElement.scrollHeight <= window.innerHeight"))


def start_over_and_progress(page: Page) -> None:
    expect(page.locator('form[action="/kiosk/finish"] button')).to_be_visible()
    expect(page.locator('.steps [aria-current="step"]')).to_have_count(1)
    no_bubbles = (
        "() => [...document.forms].every((form) => form.noValidate || !form.querySelector('[required]'))"
    )
    assert page.evaluate(no_bubbles), "the page's own messages, never the browser's (in English)"


def card_and_family(page: Page, unit: Unit, language: str) -> None:
    """A five-person move-in by card, on a kiosk-sized screen."""
    page.set_viewport_size({"width": 1280, "height": 800})
    begin(page, unit, language, "move_in")
    start_over_and_progress(page)
    page.locator('a[href="/kiosk/card"]').click()
    start_over_and_progress(page)
    enter_pin(page, PIN)
    for name, born, sex, relation in FAMILY:
        page.locator('a[href="/kiosk/household/add"]').click()
        start_over_and_progress(page)
        assert fits(page), "the member form and its keyboard fit 1280×800"
        fill_person(page, name, born, sex, relation=relation)
    start_over_and_progress(page)


@pytest.mark.parametrize("language", ["ja", "en"])
def test_review_shows_everything_and_changes_it(
    page: Page, unit: Unit, card: VirtualCard, language: str
) -> None:
    _ = translations(language).gettext
    card_and_family(page, unit, language)
    page.locator('a[href="/kiosk/question"]').click()
    questions = 0
    while "/kiosk/question" in page.url:
        start_over_and_progress(page)
        locked = page.locator('input[type="checkbox"][disabled]')
        if locked.count():  # "who has a My Number Card": the card's holder is ticked and cannot be unticked
            expect(locked).to_be_checked()
        answer_one(page)
        questions += 1
    assert questions >= 8
    expect(page.locator("h1")).to_have_text(_("Please check before printing"))
    start_over_and_progress(page)
    assert fits(page), "the review scrolls inside; confirm and start over stay on screen"
    expect(page.locator('form[action="/kiosk/confirm"] button')).to_be_in_viewport()
    household = page.locator("table.review").first
    for name, *_rest in FAMILY:
        expect(household).to_contain_text(name)
    expect(household).to_contain_text(HOLDER.name)
    expect(household).to_contain_text("昭和60年4月1日" if language == "ja" else "1985-04-01")
    answers = page.locator("table.review").nth(1)
    expect(answers.locator("tr")).to_have_count(questions)
    expect(answers).to_contain_text("みどり市中央町一丁目２番３号")
    save_screenshot(f"kiosk-review{'' if language == 'ja' else '-' + language}.png", page)

    answers.locator('a[href="/kiosk/question?change=phone"]').click()
    expect(page.locator("#answer")).to_have_value("099-000-0000")
    page.locator("#answer").fill("099-111-2222")
    page.locator('form.question button[type="submit"]').click()
    expect(page.locator("h1")).to_have_text(_("Please check before printing"))
    expect(answers).to_contain_text("099-111-2222")

    page.locator('a[href="/kiosk/household/add?index=1"]').click()
    expect(page.locator("#name")).to_have_value(FAMILY[1][0])
    expect(page.locator("#relation")).to_have_value("child")
    page.locator("#name").fill("窓口　一朗")
    page.locator('button[form="person"]').click()
    answer_everything(page)  # questions about members are asked again, with the earlier answers chosen
    expect(household).to_contain_text("窓口　一朗")


@pytest.mark.parametrize("language", ["ja", "en"])
def test_back_shows_the_earlier_answer_and_a_far_date_is_questioned(
    page: Page, unit: Unit, card: VirtualCard, language: str
) -> None:
    _ = translations(language).gettext
    begin(page, unit, language, "move_in")
    page.locator('a[href="/kiosk/card"]').click()
    enter_pin(page, PIN)
    page.locator('a[href="/kiosk/question"]').click()
    answer_one(page)  # the new address
    far = date.today() + timedelta(days=120)
    fill_date(page, "value", far.isoformat())
    page.locator('form.question button[type="submit"]').click()
    doubt = _("This date is %(days)s days from today. Is it right?") % {"days": 120}
    expect(page.locator(".error")).to_have_text(doubt)
    page.locator('button[name="sure"]').click()
    expect(page.locator(".error")).to_have_count(0)
    page.locator('form[action="/kiosk/question/back"] button').click()
    expect(page.locator('input[name="value_year"]')).to_have_value(str(far.year))
    expect(page.locator("[data-date-shown]")).to_contain_text(f"{far.year}年{far.month}月{far.day}日")
    page.locator('form.question button[name="sure"], form.question button[type="submit"]').first.click()
    card_question = load_catalog_dir(SAMPLE_CATALOG).question_by_id["card_members"].label[language]
    while "/kiosk/question" in page.url:  # alone, with the card just read: never asked whether they have one
        expect(page.locator("h1")).not_to_have_text(card_question)
        answer_one(page)
    expect(page.locator("table.review").nth(1)).to_contain_text(HOLDER.name)  # the card answered it


@pytest.mark.parametrize("language", ["ja", "en"])
def test_member_form_chooses_nothing_and_speaks_the_citizens_language(
    page: Page, unit: Unit, card: VirtualCard, language: str
) -> None:
    _ = translations(language).gettext
    begin(page, unit, language, "move_in")
    page.locator('a[href="/kiosk/card"]').click()
    enter_pin(page, PIN)
    page.locator('a[href="/kiosk/household/add"]').click()
    expect(page.locator("#relation")).to_have_value("")
    expect(page.locator('input[name="sex"]:checked')).to_have_count(0)
    page.locator('button[form="person"]').click()  # empty: no browser bubble, the page's message
    expect(page.locator(".error")).to_have_text(_("Please enter the name."))
    page.locator("#name").fill("窓口　一郎")
    fill_date(page, "birth_date", "2020-06-01")
    page.locator('input[name="sex"][value="1"]').check()
    page.locator('button[form="person"]').click()
    expect(page.locator(".error")).to_have_text(_("Please choose the relation."))
    expect(page.locator("#name")).to_have_value("窓口　一郎")


def test_keyboard_converts_kana_and_dates_show_both_calendars(page: Page, unit: Unit) -> None:
    page.set_viewport_size({"width": 1280, "height": 800})
    begin(page, unit, "ja", "move_in")
    page.locator('a[href="/kiosk/typed"]').click()
    page.locator("#name").click()
    keyboard = page.locator("[data-keyboard-panel]")
    for key in "やまた":
        keyboard.locator(f'button[data-key="{key}"]').click()
    keyboard.locator('button[data-key="voiced"]').click()  # た → だ
    keyboard.locator('button[data-key="convert"]').click()
    keyboard.locator("[data-candidates] button", has_text="山田").click()
    expect(page.locator("#name")).to_have_value("山田")
    keyboard.locator('button[data-key=" "]').click()
    for key in "はなこ":
        keyboard.locator(f'button[data-key="{key}"]').click()
    keyboard.locator('button[data-key="convert"]').click()
    keyboard.locator("[data-candidates] button", has_text="花子").click()
    expect(page.locator("#name")).to_have_value("山田 花子")
    page.locator('select[name="birth_date_era"]').select_option("昭和")
    page.locator('input[name="birth_date_year"]').click()
    expect(keyboard.locator('[data-keys="digits"]')).to_be_visible()  # digits for the year
    for key in "60":
        keyboard.locator(f'[data-keys="digits"] button[data-key="{key}"]').click()
    page.locator('select[name="birth_date_month"]').select_option("4")
    page.locator('select[name="birth_date_day"]').select_option("1")
    expect(page.locator("[data-date-shown]")).to_have_text("昭和60年4月1日 = 1985年4月1日")
    page.locator("#address").click()
    assert fits(page)
    save_screenshot("kiosk-keyboard.png", page)
    page.locator('input[name="sex"][value="2"]').check()
    page.locator('button[form="person"]').click()
    expect(page.locator(".error")).to_be_visible()  # no address yet
    page.locator("#address").fill(HOLDER.address)
    page.locator('button[form="person"]').click()
    expect(page.locator(".people")).to_contain_text("山田 花子")
    expect(page.locator(".people")).to_contain_text("昭和60年4月1日")


@pytest.mark.parametrize("language", ["ja", "en"])
def test_idle_warning_counts_down_and_continue_keeps_the_session(
    page: Page, unit: Unit, language: str
) -> None:
    _ = translations(language).gettext
    page.clock.install()
    begin(page, unit, language, "move_in")
    warning = page.locator("#idle-warning")
    expect(warning).to_be_hidden()
    page.clock.run_for(271_000)  # the kiosk under test wipes after 300 s; the warning shows 30 s before
    expect(warning).to_be_visible()
    expect(warning).to_contain_text(_("Are you still there?"))
    page.clock.run_for(5_000)
    seconds = _("To protect your data, what you entered will be erased in %(seconds)s seconds.")
    expect(page.locator("#idle-text")).to_have_text(seconds % {"seconds": 24})
    page.locator("#idle-continue").click()
    expect(warning).to_be_hidden()
    page.clock.run_for(100_000)
    expect(page).to_have_url(re.compile("/kiosk/identity$"))
    page.clock.run_for(300_000)
    expect(page.locator('button[value="ja"]')).to_be_visible()  # wiped: the language screen


def test_language_screen_fits_a_small_panel(page: Page, unit: Unit) -> None:
    page.set_viewport_size({"width": 800, "height": 480})
    page.goto(unit.url + "/kiosk/")
    assert fits(page)
    expect(page.locator('button[value="id"]')).to_be_in_viewport()
