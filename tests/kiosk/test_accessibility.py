"""axe-core (WCAG 2.2 AA rules) finds nothing on any kiosk or pre-entry page, in any of the ten languages.

One browser page walks every screen in every language — life events, identity, scan, typed entry and its
errors, card refused, PIN pad, wrong PIN, a household member and the household (with its role, head and, for
an agent, address), the questions of a move-in
with a child, review, slip — then the admin screens, and the pre-entry form, its errors, its QR. axe runs
once on each screen and language. The browser shows only the screens it checks: the question screens of
languages checked on one screen per question type are answered by replaying, over HTTP in the same
session, the answers the first language gave on its screens.
"""

from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Page, expect

from edge_agent.hardware.card_emulator import VirtualCard
from edge_agent.kiosk.i18n import LANGUAGES
from testbed.processes import Service

from . import axe
from .conftest import ADMIN_PIN, PIN, Unit
from .screens import answer_one, answer_preentry, enter_pin, fill_date, fill_person

EVERY_QUESTION = ("ja", "en")
"""Languages checked on every question screen; the others on the first screen of each question type (the
screens of one type share their markup and differ only in the catalog's text)."""
ORDER = [*EVERY_QUESTION, *(language for language in LANGUAGES if language not in EVERY_QUESTION)]
"""The languages that check every question come first: they record the answers the others replay."""


def question_kind(page: Page) -> str:
    """What a question screen asks for: its input type, or buttons / checkboxes."""
    form = page.locator("form.question")
    if form.locator("#answer").count():
        return form.locator("#answer").get_attribute("type") or "text"
    return "checkboxes" if form.locator('input[type="checkbox"]').count() else "buttons"


@dataclass
class Questions:
    """The question screens of the walk, as answered on screen: each one's kind and the form it posted."""

    kinds: list[str] = field(default_factory=list)
    answers: list[str] = field(default_factory=list)

    def first_of_each_kind(self) -> set[int]:
        return {self.kinds.index(kind) for kind in set(self.kinds)}


def answer_on_screen(page: Page, questions: Questions) -> list[str]:
    """Every question screen checked and answered in the browser; the kinds and answers are recorded."""
    found: list[str] = []
    record = not questions.answers
    page.locator('a[href="/kiosk/question"]').click()
    while "/kiosk/question" in page.url:
        found += axe.violations(page)
        if record:
            questions.kinds.append(question_kind(page))
            with page.expect_request(lambda request: request.method == "POST") as posted:
                answer_one(page)
            questions.answers.append(posted.value.post_data or "")
        else:
            answer_one(page)
    return found


def answer_by_replay(page: Page, unit: Unit, questions: Questions) -> list[str]:
    """The first screen of each question kind checked in the browser; every answer replayed over HTTP."""
    found: list[str] = []
    shown = questions.first_of_each_kind()
    for index, answer in enumerate(questions.answers):
        if index in shown:
            page.goto(unit.url + "/kiosk/question")
            assert question_kind(page) == questions.kinds[index]
            found += axe.violations(page)
        response = page.request.post(
            unit.url + "/kiosk/question",
            data=answer,
            headers={"content-type": "application/x-www-form-urlencoded"},
            max_redirects=0,
        )
        assert (response.status, response.headers["location"]) == (303, "/kiosk/question")
    page.goto(unit.url + "/kiosk/question")  # nothing left to ask: the review
    return found


def kiosk_pages(page: Page, unit: Unit, card: VirtualCard, language: str, questions: Questions) -> list[str]:
    """Every kiosk screen of one language, each checked once; ends on the "take your slip" screen."""
    page.goto(unit.url + "/kiosk/")
    page.locator(f'button[value="{language}"]').click()
    found = axe.violations(page)  # life events
    page.locator('button[value="move_in"]').click()
    found += axe.violations(page)  # identity
    for path in ("/kiosk/scan", "/kiosk/typed"):
        page.goto(unit.url + path)
        found += axe.violations(page)
    page.locator('button[form="person"]').click()
    found += axe.violations(page)  # typed entry with errors
    card.tries_left = 1
    page.goto(unit.url + "/kiosk/card")
    found += axe.violations(page)  # one try left: refused
    card.tries_left = 3
    page.reload()
    found += axe.violations(page)  # PIN pad
    enter_pin(page, "9999")
    found += axe.violations(page)  # wrong PIN
    card.tries_left = 3
    enter_pin(page, PIN)
    page.locator('a[href="/kiosk/household/add"]').click()
    found += axe.violations(page)
    fill_person(page, "窓口　一郎", "2020-06-01", "1", relation="child")
    found += axe.violations(page)  # household with a member, the role and the head
    page.locator('form[action="/kiosk/household/role"] button[value="agent"]').click()
    page.locator('button[form="household-address"]').click()
    found += axe.violations(page)  # the household's address, refused empty
    page.locator("#address").fill("みどり市港町9番9号")
    page.locator('button[form="household-address"]').click()
    found += axe.violations(page)  # household of someone living elsewhere, with its address
    page.locator('form[action="/kiosk/household/role"] button[value="member"]').click()
    if language in EVERY_QUESTION:
        found += answer_on_screen(page, questions)
    else:
        found += answer_by_replay(page, unit, questions)
    expect(page).to_have_url(unit.url + "/kiosk/review")
    found += axe.violations(page)
    page.locator('form[action="/kiosk/confirm"] button').click()
    expect(page.locator(".ticket")).to_be_visible()
    found += axe.violations(page)  # take your slip
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
    questions = Questions()
    for language in ORDER:
        found += kiosk_pages(page, unit, card, language, questions)
    assert len(questions.answers) > len(questions.first_of_each_kind())  # replaying saved screens
    page.locator('form[action="/kiosk/finish"] button').click()
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
        fill_date(page, "birth_date", "1990-07-07")
        page.locator('input[name="sex"][value="1"]').check()
        page.locator("#address").fill("長崎県長崎市出島町１－１")
        page.locator("#m0_name").fill("出島　光")
        fill_date(page, "m0_birth_date", "2019-03-03")
        page.locator('input[name="m0_sex"][value="2"]').check()
        page.locator("#m0_relation").select_option("child")
        page.locator('button[value="make"]').click()
        found += axe.violations(page)  # the questions
        answer_preentry(page)
        expect(page.locator("img.qr")).to_be_visible()
        found += axe.violations(page)
    assert found == []
