"""Staff login against name probing and lock-out abuse: one answer whatever the reason, a budget of failures
per client address, failed logins, lock-outs and inbox views in the access log (defect 7 of the review)."""

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from central.accounts.controller import FAILURES_PER_CLIENT
from central.accounts.service import MAX_FAILURES, add_user
from central.db import make_engine
from central.models import AccessEntry
from central.settings import Settings
from testbed.processes import Service
from testbed.services import central_service

PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def engine(http_central: Service) -> Iterator[Engine]:
    """The database of the module's central, with users `alice` and `admin` at honcho."""
    engine = make_engine(f"sqlite:///{http_central.log_path.parent / 'central' / 'central.db'}")
    add_user(engine, "alice", "staff", PASSWORD, ["honcho"], [])
    add_user(engine, "admin", "admin", PASSWORD, ["honcho"], [])
    yield engine
    engine.dispose()


def attempt(central: Service, name: str, password: str) -> httpx.Response:
    return httpx.post(
        f"{central.base_url}/staff/login", data={"name": name, "password": password}, timeout=30
    )


def actions(engine: Engine, user: str) -> list[str]:
    with Session(engine) as session:
        query = select(AccessEntry.action).where(AccessEntry.user_name == user).order_by(col(AccessEntry.id))
        return list(session.exec(query))


def test_a_locked_account_answers_exactly_as_an_unknown_name_and_is_in_the_access_log(
    http_central: Service, engine: Engine
) -> None:
    for _ in range(MAX_FAILURES):
        assert attempt(http_central, "admin", "guess").status_code == 401
    locked = attempt(http_central, "admin", PASSWORD)  # even the right password, while locked
    unknown = attempt(http_central, "nobody", PASSWORD)
    wrong = attempt(http_central, "alice", "guess")
    assert locked.status_code == unknown.status_code == wrong.status_code == 401
    assert locked.text == unknown.text == wrong.text
    assert "ロック" not in locked.text
    logged = actions(engine, "admin")  # and the access log has every failure and the lock-out
    assert logged.count("login_failed") >= MAX_FAILURES + 1
    assert logged.count("lockout") == 1
    assert "login_failed" in actions(engine, "?")  # an unknown name, without what was typed
    with Session(engine) as session:  # under the account's office, where its supervisors read the log
        offices = session.exec(select(AccessEntry.office_id).where(AccessEntry.user_name == "admin"))
        assert set(offices) == {"honcho"}
    with Session(engine) as session:
        assert not session.exec(select(AccessEntry).where(AccessEntry.user_name == "nobody")).first()


def test_inbox_views_are_in_the_access_log(http_central: Service, engine: Engine) -> None:
    http = httpx.Client(base_url=http_central.base_url, timeout=30)
    assert http.post("/staff/login", data={"name": "alice", "password": PASSWORD}).status_code == 303
    before = actions(engine, "alice").count("inbox")
    assert http.get("/staff/").status_code == 200
    assert http.get("/api/staff/cases").status_code == 200
    assert http.get("/staff/inbox/rows").status_code == 200  # the live poll, under the page view
    assert actions(engine, "alice").count("inbox") == before + 2


def test_one_client_gets_a_budget_of_failures_across_accounts(tmp_path: Path) -> None:
    central = central_service(tmp_path, broker_url=None).start()  # its own, with a full budget
    try:
        answers = [
            attempt(central, f"name{n}", "guess").status_code for n in range(FAILURES_PER_CLIENT.limit)
        ]
        refused = attempt(central, "name-last", "guess")
    finally:
        central.kill()
    assert answers == [401] * FAILURES_PER_CLIENT.limit
    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) > 0


def test_the_session_cookie_is_secure_when_browsers_come_over_tls(
    http_central: Service, engine: Engine
) -> None:
    form = {"name": "alice", "password": PASSWORD}
    url = f"{http_central.base_url}/staff/login"
    plain = httpx.post(url, data=form, timeout=30)
    proxied = httpx.post(
        url, data=form, headers={"x-forwarded-proto": "https"}, timeout=30
    )  # a local TLS proxy
    assert "secure" not in plain.headers["set-cookie"].lower()
    assert "; secure" in proxied.headers["set-cookie"].lower()


def test_a_setting_says_central_is_behind_tls(monkeypatch: pytest.MonkeyPatch) -> None:
    assert not Settings.resolve(data_dir="x", db_url=None).behind_tls
    monkeypatch.setenv("MADOGUCHI_BEHIND_TLS", "1")
    assert Settings.resolve(data_dir="x", db_url=None).behind_tls
