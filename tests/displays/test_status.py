"""The citizen's status page and the display on a real central, driven by the call screen's actions: the
page follows its ticket live (place, wait, where to go), rings and vibrates once when the turn is near,
follows the ticket to its next counter, and asks for a rating at the end; the display shows the real call."""

from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from testbed.broker import Broker
from testbed.services import central_service
from tests.kiosk import axe
from tests.queue.support import tickets
from tests.staff.support import StaffCentral, StaffClient, login

OFFICE = "status"
VIBRATIONS = "window.vibrations = []; navigator.vibrate = (p) => { window.vibrations.push(p); return true; };"
"""Headless Chromium has no vibration motor: record what the page asks for."""


@pytest.fixture(scope="module")
def central(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StaffCentral]:
    workdir = tmp_path_factory.mktemp("status")
    broker = Broker(workdir / "broker", workdir / "central").start()
    service = central_service(workdir, broker.url).start(timeout=60)
    running = StaffCentral(workdir, service, broker)
    running.seed_users([("desk_staff", "staff", (OFFICE,))])
    yield running
    service.kill()
    broker.stop()


@pytest.fixture(scope="module")
def desk(central: StaffCentral) -> Iterator[StaffClient]:
    client = login(central, "desk_staff")
    yield client
    client.http.close()


def _post(client: StaffClient, path: str, form: dict[str, str]) -> None:
    response = client.post_form(path, form)
    assert response.status_code == 303, response.text


def _phone(browser: Browser, central: StaffCentral) -> Page:
    context = browser.new_context(
        base_url=central.url, viewport={"width": 390, "height": 844}, has_touch=True
    )
    context.add_init_script(VIBRATIONS)
    axe.enable(context)
    return context.new_page()


def test_the_status_page_follows_its_ticket_from_queue_to_counter_to_the_end(
    browser: Browser, central: StaffCentral, desk: StaffClient
) -> None:
    for counters in ("shimin", "shimin", "shimin", "shimin,hoken_nenkin"):
        _post(desk, "/staff/queue/shimin/issue", {"office": OFFICE, "counters": counters})
    ours = tickets(central, OFFICE)["W004"]
    phone = _phone(browser, central)
    display = browser.new_page(base_url=central.url, viewport={"width": 1920, "height": 1080})
    try:
        phone.goto(f"/t/{ours.token}?lang=en")
        display.goto(f"/display/{OFFICE}")
        expect(phone.locator("#ahead")).to_have_text("3")
        expect(phone.locator("#headline")).to_have_text("Please wait. We will call your number.")
        expect(phone.locator("#later")).to_have_text("Health Insurance and Pension Division")
        expect(phone.locator("#rating")).to_be_hidden()
        assert axe.violations(phone) == []
        phone.click("#alerts")  # the tap that allows sound and vibration
        expect(phone.locator("#alerts-on")).to_be_visible()

        _post(desk, "/staff/queue/shimin/next", {"office": OFFICE, "desk": "1"})
        expect(phone.locator("#ahead")).to_have_text("2")
        expect(phone.locator("body")).to_have_attribute("data-rang", "true")  # near: rang and vibrated once
        expect(phone.locator("#headline")).to_contain_text("Your turn is near")
        assert len(phone.evaluate("window.vibrations")) == 2  # the tap's short buzz, then the alert
        expect(display.locator(".call.newest .ticket")).to_have_text("W001")

        _post(desk, "/staff/queue/shimin/next", {"office": OFFICE, "desk": "2"})
        _post(desk, "/staff/queue/shimin/next", {"office": OFFICE, "desk": "3"})
        expect(phone.locator("#ahead")).to_have_text("0")
        _post(desk, "/staff/queue/shimin/next", {"office": OFFICE, "desk": "4"})
        expect(phone.locator("body")).to_have_attribute("data-state", "called")
        expect(phone.locator("#headline")).to_contain_text("It is your turn. Please go to Citizens Division")
        expect(phone.locator("#headline")).to_contain_text("desk 4.")
        assert len(phone.evaluate("window.vibrations")) == 2  # still near since the first alert: no new one
        expect(display.locator(".call.newest .ticket")).to_have_text("W004")
        expect(display.locator(".call.newest .desk-ja")).to_have_text("4番窓口")

        form = {"office": OFFICE, "counter": "shimin", "desk": "4"}
        _post(desk, f"/staff/queue/tickets/{ours.id}/finish", form)  # on to its second counter
        expect(phone.locator("#counter")).to_have_text("Health Insurance and Pension Division")
        expect(phone.locator("body")).to_have_attribute("data-state", "waiting")
        expect(phone.locator("#later")).to_be_hidden()

        _post(desk, f"/staff/queue/tickets/{ours.id}/end", form | {"counter": "hoken_nenkin"})
        expect(phone.locator("body")).to_have_attribute("data-state", "done")
        expect(phone.locator("#headline")).to_have_text("All done. Thank you for coming.")
        rating = phone.locator("#rating")
        expect(rating).to_be_visible()
        expect(rating).to_have_attribute("action", f"/t/{ours.token}/rating")
        expect(rating.locator("input[name=score]")).to_have_count(10)
        assert axe.violations(phone) == []
        rating.locator("input[name=score][value='9']").check()
        rating.locator("button[type=submit]").click()  # to the KPI slice's endpoint, and back here
        expect(phone.locator("#rated")).to_have_text("Thank you for your rating.")
        expect(phone.locator("#rating")).to_have_count(0)
        assert phone.url.endswith(f"/t/{ours.token}?lang=en")
    finally:
        phone.context.close()
        display.close()


def test_the_status_page_speaks_every_language_and_refuses_unknown_tokens(
    central: StaffCentral, desk: StaffClient
) -> None:
    _post(desk, "/staff/queue/shimin/issue", {"office": OFFICE, "counters": "shimin"})
    token = max(tickets(central, OFFICE).values(), key=lambda ticket: ticket.id or 0).token
    japanese = httpx.get(f"{central.url}/t/{token}?lang=ja", timeout=30)
    assert japanese.status_code == 200
    assert "<h1>あなたの順番</h1>" in japanese.text
    assert "まもなく順番です。" in japanese.text  # nobody ahead: near
    easy = httpx.get(f"{central.url}/t/{token}?lang=ja-easy", timeout=30)
    assert "もうすぐ あなたの ばんです。" in easy.text
    for unknown in ("0" * 16, "not-a-token", "x" * 200):
        answer = httpx.get(f"{central.url}/t/{unknown}?lang=en", timeout=30)
        assert answer.status_code == 404
        assert "This ticket is not known" in answer.text
        assert httpx.get(f"{central.url}/t/{unknown}/events", timeout=30).status_code == 404
