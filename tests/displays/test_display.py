"""The waiting-room display in headless Chromium: a call shows and is announced (chime, Japanese, English);
after central restarts the page reconnects by itself and resyncs, even though a restarted central counts its
states again from a lower seq. How fast a call shows is the bench's (python -m bench.displays)."""

import io
import wave

import httpx
from playwright.sync_api import Browser, Route, expect

from testbed.processes import Service
from tests.displays.conftest import OFFICE, call, publish, queue
from tests.kiosk import axe


def test_a_call_shows_is_announced_and_the_page_recovers_after_a_restart(
    browser: Browser, queue_central: Service
) -> None:
    publish(queue_central, queue(5))
    context = browser.new_context(base_url=queue_central.base_url, viewport={"width": 1920, "height": 1080})
    axe.enable(context)
    page = context.new_page()
    try:
        page.goto(f"/display/{OFFICE}")
        expect(page.locator("body")).to_have_attribute("data-seq", "5", timeout=15_000)
        expect(page.locator("li.counter[data-counter=shimin] .next li")).to_have_count(3)

        publish(queue_central, queue(6, call("c1")))
        card = page.locator(".call[data-call=c1]")
        expect(card).to_be_visible(timeout=15_000)
        expect(card.locator(".ticket")).to_have_text("A-012")
        expect(card.locator(".desk-ja")).to_have_text("3番窓口")
        expect(card.locator(".desk-en")).to_have_text("Desk 3")
        assert axe.violations(page) == []
        body = page.locator("body")
        spoken = f"/display/{OFFICE}/calls/c1"
        for heard in ("/display/chime.wav", f"{spoken}/ja", f"{spoken}/en"):  # in this order
            expect(body).to_have_attribute("data-playing", heard, timeout=30_000)

        queue_central.kill()
        expect(page.locator("body")).to_have_attribute("data-connected", "false", timeout=15_000)
        queue_central.start()
        publish(queue_central, queue(1, call("c2", ticket="B-004", desk="1", counter="hoken_nenkin")))
        expect(page.locator(".call[data-call=c2]")).to_be_visible(timeout=15_000)
        expect(page.locator("body")).to_have_attribute("data-seq", "1")
        expect(page.locator(".call.newest .counter-ja")).to_have_text("保険年金課")

        publish(queue_central, queue(2))  # the next morning: no calls yet, and the TV never reloaded
        expect(page.locator("#calls .empty")).to_be_visible()
        expect(page.locator(".call")).to_have_count(0)
    finally:
        context.close()


def test_the_display_starts_again_after_a_proxy_error(browser: Browser, queue_central: Service) -> None:
    """EventSource gives up on an HTTP error (a proxy's 502 while central restarts); the page must not."""
    publish(queue_central, queue(3, call("c1")))
    context = browser.new_context(base_url=queue_central.base_url)
    page = context.new_page()
    refused: list[str] = []

    def proxy(route: Route) -> None:
        if len(refused) < 2:
            refused.append(route.request.url)
            route.fulfill(status=502, body="bad gateway")
        else:
            route.continue_()

    page.route(f"**/display/{OFFICE}/events", proxy)
    try:
        page.goto(f"/display/{OFFICE}")
        expect(page.locator(".call[data-call=c1]")).to_be_visible(timeout=30_000)
        assert len(refused) == 2
    finally:
        context.close()


def _duration(audio: bytes) -> float:
    with wave.open(io.BytesIO(audio)) as parsed:
        assert parsed.getnchannels() == 1
        assert parsed.getsampwidth() == 2
        return float(parsed.getnframes() / parsed.getframerate())


def test_each_call_is_spoken_in_japanese_and_english_as_valid_wav(queue_central: Service) -> None:
    publish(queue_central, queue(1, call("c1"), call("c0", ticket="A-011", desk="2")))
    base = f"{queue_central.base_url}/display/{OFFICE}"
    for language in ("ja", "en"):
        answer = httpx.get(f"{base}/calls/c1/{language}", timeout=60)
        assert answer.status_code == 200
        assert answer.headers["content-type"] == "audio/wav"
        assert _duration(answer.content) > 1.0
    chime = httpx.get(f"{queue_central.base_url}/display/chime.wav", timeout=10)
    assert _duration(chime.content) > 0.5
    for missing in ("calls/nope/ja", "calls/c1/fr", "calls/c1/../../x"):
        assert httpx.get(f"{base}/{missing}", timeout=10).status_code == 404
    assert httpx.get(f"{queue_central.base_url}/display/not%20an%20office", timeout=10).status_code == 404
