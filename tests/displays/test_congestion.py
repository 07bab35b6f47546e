"""The congestion page: every office's waiting count and expected wait, live; the best-time chart from the
samples central keeps (counts and times only)."""

from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import httpx
import msgspec
from playwright.sync_api import Browser, expect
from sqlmodel import Session, select

from central.cases.views import CITY_TIME
from central.db import make_engine
from central.displays.congestion import OPENING_HOURS, CongestionSample, by_hour, record
from central.queue.hub import QueueHub
from testbed.processes import Service
from tests.displays.conftest import HOKEN, SHIMIN, publish, queue
from tests.kiosk import axe

NOON_TOKYO = datetime(2026, 11, 30, 3, 0, tzinfo=UTC)


def test_samples_are_kept_four_weeks_and_averaged_per_city_hour(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'central.db'}")
    hub = QueueHub()
    assert record(engine, hub, NOON_TOKYO) == 0  # no office has a queue yet
    hub.publish(queue(1))  # 4 + 2 waiting
    hub.publish(queue(1, office_id="kita"))
    record(engine, hub, NOON_TOKYO - timedelta(weeks=5))  # forgotten at the next sample
    record(engine, hub, NOON_TOKYO - timedelta(days=1))
    hub.publish(msgspec.structs.replace(queue(2), counters=[SHIMIN]))  # 4 waiting
    assert record(engine, hub, NOON_TOKYO) == 2
    with Session(engine) as session:
        assert len(session.exec(select(CongestionSample)).all()) == 4  # 2 offices × 2 recent samples
    hours = {average.hour: average.waiting for average in by_hour(engine, "honcho", NOON_TOKYO)}
    assert list(hours) == list(OPENING_HOURS)
    assert hours[12] == 5.0  # 12:00 in Tokyo is 03:00 UTC: (6 + 4) / 2
    assert hours[9] is None
    engine.dispose()


def test_the_page_shows_each_office_live_and_the_quietest_hour(
    browser: Browser, queue_central: Service, tmp_path: Path
) -> None:
    publish(queue_central, queue(1))
    engine = make_engine(f"sqlite:///{tmp_path / 'central' / 'central.db'}")
    today = datetime.now(CITY_TIME).date()
    with Session(engine) as session:  # a fortnight of history: busy at 10:00, quiet at 15:00 (city time)
        for day in range(1, 15):
            for hour, count in ((10, 12), (11, 8), (15, 2)):
                city = datetime.combine(today - timedelta(days=day), time(hour), CITY_TIME)
                session.add(CongestionSample(office_id="honcho", at=city, waiting=count))
        session.commit()
    engine.dispose()

    answer = httpx.get(f"{queue_central.base_url}/congestion/?lang=en", timeout=30)
    assert answer.status_code == 200
    assert "6 waiting · Expected wait: about 12 min" in answer.text
    assert "Citizens Division (moving, certificates)" in answer.text

    context = browser.new_context(base_url=queue_central.base_url, viewport={"width": 390, "height": 844})
    axe.enable(context)
    page = context.new_page()
    try:
        page.goto("/congestion/?lang=ja")
        office = page.locator("article.office[data-office=honcho]")
        expect(office.locator(".total")).to_have_text("6人待ち · 待ち時間の目安：約12分")
        best = page.locator("figure.chart[data-office=honcho] li.best")
        expect(best).to_have_count(1)
        expect(best.locator(".hour")).to_have_text("15")
        assert axe.violations(page) == []
        publish(
            queue_central, msgspec.structs.replace(queue(2), counters=[HOKEN])
        )  # live: the page follows without a reload
        expect(office.locator(".total")).to_have_text("2人待ち · 待ち時間の目安：まだわかりません")
        expect(office.locator("li[data-counter=hoken_nenkin] .name")).to_have_text(
            "保険年金課（国保・年金・後期高齢者医療）"  # named by the city's catalog
        )
    finally:
        context.close()
