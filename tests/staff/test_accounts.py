"""Login, lock-out, sessions and CSRF against a real central."""

import random

import httpx

from testbed.households import citizen
from tests.staff.support import PASSWORD, StaffCentral, login, wait_for_case


def test_login_opens_the_inbox_and_logout_ends_the_session(
    staff_central: StaffCentral,
) -> None:
    client = login(staff_central, "honcho_staff")
    assert "受付一覧" in client.http.get("/staff/").text
    assert client.post_form("/staff/logout").status_code == 303
    after = client.http.get("/api/staff/cases")
    assert after.status_code == 401


def test_wrong_password_is_refused_and_repeated_failures_lock_the_account(
    staff_central: StaffCentral,
) -> None:
    staff_central.add_user("locked_out")
    http = httpx.Client(base_url=staff_central.url)
    for _ in range(5):
        refused = http.post("/staff/login", data={"name": "locked_out", "password": "wrong password"})
        assert refused.status_code == 401
    right = http.post("/staff/login", data={"name": "locked_out", "password": PASSWORD})
    assert right.status_code == 401
    unknown = http.post("/staff/login", data={"name": "no_such_user", "password": PASSWORD})
    assert (right.status_code, right.text) == (unknown.status_code, unknown.text)  # locked tells nothing
    staff_central.add_user("locked_out")  # an admin resets the account
    assert http.post("/staff/login", data={"name": "locked_out", "password": PASSWORD}).status_code == 303


def test_anonymous_browser_is_sent_to_login(staff_central: StaffCentral) -> None:
    response = httpx.get(f"{staff_central.url}/staff/")
    assert response.status_code in (302, 303, 307)
    assert response.headers["location"].startswith("/staff/login")


def test_unsafe_methods_need_the_session_csrf_token(
    staff_central: StaffCentral,
) -> None:
    case_id = staff_central.sync(citizen(random.Random(11), 11))
    client = login(staff_central, "honcho_staff")
    case = wait_for_case(client, case_id)
    procedure = case["summary"]["procedures"][0]["id"]
    path = f"/staff/cases/{case_id}/procedures/{procedure}/status"
    without = client.http.post(path, data={"status": "in_progress"})
    assert without.status_code == 403
    wrong = client.http.post(path, data={"status": "in_progress", "csrf_token": "forged"})
    assert wrong.status_code == 403
    header = client.http.post(path, data={"status": "in_progress"}, headers={"X-CSRF-Token": client.csrf})
    assert header.status_code == 303
    assert client.case(case_id)["summary"]["procedures"][0]["status"] == "in_progress"


def test_login_from_another_site_is_refused(staff_central: StaffCentral) -> None:
    form = {"name": "honcho_staff", "password": PASSWORD}
    forged = httpx.post(
        f"{staff_central.url}/staff/login", data=form, headers={"origin": "https://evil.example"}
    )
    assert forged.status_code == 403
    assert "set-cookie" not in forged.headers


def test_staff_pages_are_never_cached_or_framed(staff_central: StaffCentral) -> None:
    client = login(staff_central, "honcho_staff")
    for path in ("/staff/", "/api/staff/cases", "/api/staff/exports"):
        headers = client.http.get(path).headers
        assert headers["cache-control"] == "no-store"
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
