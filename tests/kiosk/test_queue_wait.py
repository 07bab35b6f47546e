"""Before it issues a ticket, the kiosk shows the current wait at the plan's counters: the unit follows its
office's queue state, retained on the broker, and the review screen says it in the citizen's language."""

import asyncio
import uuid
from concurrent.futures import ThreadPoolExecutor

from playwright.sync_api import Page

from edge_agent.kiosk.i18n import translations
from protocol import topics
from protocol.queue import CounterState, OfficeQueue, encode_queue
from testbed.broker import Broker
from tests.spine.helpers import wait_until

from .conftest import HOLDER, Unit
from .screens import answer_everything, begin

WAITING, MINUTES = 37, 53
"""Figures no real queue of the test session has, so the screen can only have them from this state."""


def _publish(broker: Broker, office: str, state: OfficeQueue) -> None:
    async def send() -> None:
        async with broker.client(f"test-{uuid.uuid4().hex[:8]}") as client:
            await client.publish(topics.office_queue(office), encode_queue(state), qos=1, retain=True)

    with ThreadPoolExecutor(1) as thread:
        thread.submit(asyncio.run, send()).result()


def test_review_shows_the_current_wait_at_the_plans_counters(page: Page, unit: Unit, broker: Broker) -> None:
    _ = translations("ja").gettext
    state = OfficeQueue(
        office_id="honcho",
        seq=1,
        at="2026-11-30T10:00:00+09:00",
        calls=[],
        counters=[
            CounterState(
                counter="shimin",
                name_ja="市民課",
                name_en="Citizens",
                waiting=WAITING,
                next=[],
                wait_minutes=MINUTES,
                open_desks=2,
            )
        ],
    )
    begin(page, unit, "ja", "certificates")
    page.locator('a[href="/kiosk/typed"]').click()
    page.locator("#name").fill(HOLDER.name)
    page.locator("#birth_date").fill(HOLDER.birth_date)
    page.locator('input[name="sex"][value="2"]').check()
    page.locator("#address").fill(HOLDER.address)
    page.locator('form.fields button[type="submit"]').click()
    page.locator('a[href="/kiosk/question"]').click()
    answer_everything(page)
    wanted = _("About %(minutes)s min wait now (%(people)s waiting)") % {
        "minutes": MINUTES,
        "people": WAITING,
    }

    def shown() -> bool:  # central may publish the office's real state meanwhile: publish ours again
        _publish(broker, "honcho", state)
        page.reload()
        return wanted in page.locator(".counters").inner_text()

    wait_until(shown, timeout=30, what="the current wait on the review screen")
