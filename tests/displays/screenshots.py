"""The screenshots in docs/screenshots/ of the public faces: the waiting-room display (1920×1080), the
status page and the congestion page (a 390×844 phone), on a real central with real tickets and calls.

    .venv/bin/python -m tests.displays.screenshots [--out docs/screenshots] [--lang ja]
"""

import argparse
import re
import tempfile
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import httpx
from sqlmodel import Session, select

from central.accounts.service import add_user
from central.cases.views import CITY_TIME
from central.db import make_engine
from central.displays.congestion import CongestionSample
from central.queue.models import Ticket
from testbed.services import queue_central_service
from tests.displays.conftest import publish, queue
from tests.support.browser import chromium

OFFICE = "honcho"
PASSWORD = "correct horse battery"
HOURLY = {8: 3, 9: 9, 10: 14, 11: 12, 12: 6, 13: 8, 14: 7, 15: 4, 16: 5, 17: 2}
"""A typical day's waiting count by hour (a late-morning peak), for the best-time chart."""


def staff_client(base: str) -> tuple[httpx.Client, str]:
    """Logged in as the screenshot's clerk, with the CSRF token."""
    http = httpx.Client(base_url=base, timeout=30)
    assert http.post("/staff/login", data={"name": "clerk", "password": PASSWORD}).status_code == 303
    token = re.search(r'name="csrf_token" value="([^"]+)"', http.get("/staff/").text)
    assert token
    return http, token.group(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    parser.add_argument("--lang", default="ja")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="screenshots-") as folder:
        central = queue_central_service(Path(folder)).start()
        engine = make_engine(f"sqlite:///{Path(folder) / 'central' / 'central.db'}")
        try:
            add_user(engine, "clerk", "staff", PASSWORD, [OFFICE], [])
            today = datetime.now(CITY_TIME).date()
            with Session(engine) as session:
                for day in range(1, 28):
                    for hour, count in HOURLY.items():
                        at = datetime.combine(today - timedelta(days=day), time(hour, 30), CITY_TIME)
                        session.add(
                            CongestionSample(office_id=OFFICE, at=at.astimezone(UTC), waiting=count + day % 3)
                        )
                session.commit()
            http, csrf = staff_client(central.base_url)
            routes = ["shimin"] * 7 + ["shimin,hoken_nenkin,kodomo", "shimin", "hoken_nenkin", "hoken_nenkin"]
            for route in routes:
                first = route.split(",")[0]
                form = {"csrf_token": csrf, "office": OFFICE, "counters": route}
                assert http.post(f"/staff/queue/{first}/issue", data=form).status_code == 303
            for counter, desk in (("shimin", "1"), ("shimin", "2"), ("hoken_nenkin", "5"), ("shimin", "3")):
                form = {"csrf_token": csrf, "office": OFFICE, "desk": desk}
                assert http.post(f"/staff/queue/{counter}/next", data=form).status_code == 303
            with Session(engine) as session:
                token = session.exec(select(Ticket.token).where(Ticket.number == "W008")).one()  # 3 counters
            publish(central, queue(1, office_id="kita"))
            with chromium() as browser:
                tv = browser.new_page(base_url=central.base_url, viewport={"width": 1920, "height": 1080})
                tv.goto(f"/display/{OFFICE}")
                tv.wait_for_selector(".call.newest")
                tv.screenshot(path=args.out / "display.png")
                phone = browser.new_page(base_url=central.base_url, viewport={"width": 390, "height": 844})
                phone.goto(f"/t/{token}?lang={args.lang}")
                phone.wait_for_selector("body[data-state]")
                phone.screenshot(path=args.out / "status.png", full_page=True)
                phone.goto(f"/congestion/?lang={args.lang}")
                phone.wait_for_selector("article.office")
                phone.screenshot(path=args.out / "congestion.png", full_page=True)
        finally:
            engine.dispose()
            central.kill()


if __name__ == "__main__":
    main()
