"""An error nobody foresaw on central's HTTP side is logged (its type and where, no personal data) and
answered with a generic 500 (defect 6 of the review). Provoked for real: a case with corrupt stored facts."""

import random
from datetime import UTC, datetime
from pathlib import Path

import httpx
from sqlmodel import Session

from central.accounts.service import Staff, add_user
from central.cases.interview import record_interview
from central.db import make_engine
from central.models import Case, Role
from procedures.planner import SAMPLE_CATALOG, CatalogPlanner
from testbed.households import citizen
from testbed.processes import Service
from tests.spine.helpers import wait_until

SECRET_NAME = "秘密　花子"


def test_an_unexpected_error_is_logged_without_personal_data_and_answered_500(http_central: Service) -> None:
    engine = make_engine(f"sqlite:///{http_central.log_path.parent / 'central' / 'central.db'}")
    add_user(engine, "err_staff", "staff", "correct horse battery", ["honcho"], [])
    staff = Staff("err_staff", Role.STAFF, frozenset({"honcho"}), frozenset(), "csrf")
    case_id = record_interview(
        engine, CatalogPlanner.load(SAMPLE_CATALOG), staff, "honcho", citizen(random.Random(9), 9)
    )
    with Session(engine) as session:
        case = session.get(Case, case_id)
        assert case is not None
        case.facts = '{"applicant": {"name": "' + SECRET_NAME + '"'  # cut short: not JSON any more
        case.updated_at = datetime.now(UTC)
        session.add(case)
        session.commit()
    engine.dispose()
    http = httpx.Client(base_url=http_central.base_url, timeout=30)
    assert (
        http.post("/staff/login", data={"name": "err_staff", "password": "correct horse battery"}).status_code
        == 303
    )

    api = http.get(f"/api/staff/cases/{case_id}")
    page = http.get(f"/staff/cases/{case_id}")

    assert api.status_code == 500
    assert api.json()["detail"] == "Internal Server Error"
    assert page.status_code == 500
    assert "内部エラー" in page.text
    assert SECRET_NAME not in api.text + page.text
    log = Path(http_central.log_path)
    wait_until(lambda: log.read_text().count("unexpected DecodeError at ") >= 2, timeout=10, what="logged")
    text = log.read_text()
    assert "/staff/cases/{case_id" in text
    assert SECRET_NAME not in text
