"""Turn alerts: an address left on the status page gets one message when the turn is near, through a real
local SMTP server, and is then forgotten; bad addresses are refused; LINE sits behind the same Notifier."""

import asyncio
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage

import httpx
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope
from aiosmtpd.smtp import Session as SmtpSession
from sqlmodel import Session, select

from central.db import make_engine
from central.displays.alerts import LineNotifier, TurnAlert, alert_round, subscribe
from procedures.planner import SAMPLE_CATALOG, CatalogPlanner
from testbed.broker import Broker
from testbed.processes import free_port
from testbed.services import central_service
from tests.queue.support import tickets
from tests.spine.helpers import wait_until
from tests.staff.support import StaffCentral, StaffClient, login

OFFICE = "alerts"
SENDER = "madoguchi@city.example"


class Inbox:
    """An aiosmtpd handler keeping every message it is given."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, _server: SMTP, _session: SmtpSession, envelope: Envelope) -> str:  # noqa: N802
        content = envelope.content or b""
        raw = content if isinstance(content, bytes) else content.encode()
        parsed = message_from_bytes(raw, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append(parsed)
        return "250 OK"


@pytest.fixture(scope="module")
def inbox() -> Iterator[tuple[Inbox, int]]:
    handler = Inbox()
    port = free_port()
    smtp = Controller(handler, hostname="127.0.0.1", port=port)
    smtp.start()
    yield handler, port
    smtp.stop()


@pytest.fixture(scope="module")
def central(tmp_path_factory: pytest.TempPathFactory, inbox: tuple[Inbox, int]) -> Iterator[StaffCentral]:
    workdir = tmp_path_factory.mktemp("alerts")
    broker = Broker(workdir / "broker", workdir / "central").start()
    service = central_service(workdir, broker.url)
    service.env = {"MADOGUCHI_SMTP": f"127.0.0.1:{inbox[1]}", "MADOGUCHI_SMTP_FROM": SENDER}
    running = StaffCentral(workdir, service.start(timeout=60), broker)
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


def _alerts(central: StaffCentral) -> list[TurnAlert]:
    engine = make_engine(f"sqlite:///{central.data_dir / 'central.db'}")
    with Session(engine) as session:
        found = list(session.exec(select(TurnAlert)))
    engine.dispose()
    return found


def test_one_email_when_the_turn_is_near_then_the_address_is_gone(
    central: StaffCentral, desk: StaffClient, inbox: tuple[Inbox, int]
) -> None:
    for _ in range(4):
        _post(desk, "/staff/queue/shimin/issue", {"office": OFFICE, "counters": "shimin"})
    token = tickets(central, OFFICE)["W004"].token
    page = httpx.get(f"{central.url}/t/{token}?lang=ja", timeout=30)
    assert f'action="/t/{token}/alerts"' in page.text
    assert "順番が近づいたらメールで知らせる" in page.text

    form = {"channel": "email", "lang": "ja", "address": "not an address"}
    refused = httpx.post(f"{central.url}/t/{token}/alerts", data=form, timeout=30)
    assert refused.status_code == 422
    assert "メールアドレスをご確認ください。" in refused.text
    assert httpx.post(f"{central.url}/t/{'0' * 16}/alerts", data=form, timeout=30).status_code == 404
    other = {**form, "channel": "line", "address": "U1234"}  # no LINE client on this central
    assert httpx.post(f"{central.url}/t/{token}/alerts", data=other, timeout=30).status_code == 422
    assert _alerts(central) == []

    taken = httpx.post(
        f"{central.url}/t/{token}/alerts", data={**form, "address": "hanako@example.jp"}, timeout=30
    )
    assert taken.status_code == 303
    shown = httpx.get(f"{central.url}{taken.headers['location']}", timeout=30)
    assert "一度だけメールでお知らせし" in shown.text
    assert inbox[0].messages == []  # 3 ahead: not near yet

    _post(desk, "/staff/queue/shimin/next", {"office": OFFICE, "desk": "1"})  # 2 ahead: near
    wait_until(lambda: len(inbox[0].messages) == 1, timeout=30, what="the turn alert e-mail")
    mail = inbox[0].messages[0]
    assert (mail["To"], mail["From"]) == ("hanako@example.jp", SENDER)
    assert mail["Subject"] == "市役所の窓口の順番が近づきました"
    body = mail.get_content()
    assert "受付番号 W004" in body
    assert f"{central.url}/t/{token}?lang=ja" in body
    wait_until(lambda: _alerts(central) == [], timeout=30, what="the address to be forgotten")
    _post(desk, "/staff/queue/shimin/next", {"office": OFFICE, "desk": "2"})
    _post(desk, "/staff/queue/shimin/next", {"office": OFFICE, "desk": "3"})
    assert len(inbox[0].messages) == 1  # once only


class FakeLine:
    """What a LINE Messaging API client would be given."""

    def __init__(self) -> None:
        self.pushed: list[tuple[str, str]] = []

    async def push(self, to: str, text: str) -> None:
        self.pushed.append((to, text))


def test_line_is_one_more_notifier_behind_the_same_interface(
    central: StaffCentral, desk: StaffClient
) -> None:
    for _ in range(3):
        _post(desk, "/staff/queue/hoken_nenkin/issue", {"office": OFFICE, "counters": "hoken_nenkin"})
    numbers = tickets(central, OFFICE)
    far = max(numbers.values(), key=lambda ticket: ticket.id or 0)  # the last one: 2 ahead, near already
    engine = make_engine(f"sqlite:///{central.data_dir / 'central.db'}")
    try:
        subscribe(engine, far.token, "line", "U0123456789", "en", f"https://city.example/t/{far.token}")
        line = FakeLine()
        catalog = CatalogPlanner.load(SAMPLE_CATALOG).catalog
        assert asyncio.run(alert_round(engine, catalog, {"line": LineNotifier(line)})) == 1
        ((to, text),) = line.pushed
        assert to == "U0123456789"
        assert text.startswith(
            f"Your turn at the city office is near\nTicket {far.number}: your turn is near."
        )
        assert text.endswith(f"https://city.example/t/{far.token}")
        with Session(engine) as session:
            assert session.exec(select(TurnAlert).where(TurnAlert.token == far.token)).all() == []
    finally:
        engine.dispose()
