"""Every staff route refuses anonymous users and users of other offices; CSRF; schemathesis finds no 5xx."""

import random
import re
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok

from central.app import create_app
from central.settings import Settings
from testbed.households import citizen
from tests.staff.support import StaffCentral, login, wait_for_case

UNGUARDED = ("/staff/login", "/staff/static")
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


def staff_routes() -> list[tuple[str, str]]:
    """(method, path template) of every staff route, read from the app itself so new routes are covered."""
    app = create_app(Settings(data_dir=Path("unused"), db_url="sqlite://"))
    return sorted(
        (method, route.path)
        for route in app.routes
        if route.path.startswith(("/staff", "/api/staff")) and not route.path.startswith(UNGUARDED)
        for method in route.methods - {"OPTIONS", "HEAD"}
    )


ROUTES = staff_routes()


@pytest.fixture(scope="module")
def honcho_case(staff_central: StaffCentral) -> dict[str, Any]:
    case_id = staff_central.sync(citizen(random.Random(81), 81))
    return dict(wait_for_case(login(staff_central, "honcho_staff"), case_id))


def concrete(path: str, case: dict[str, Any]) -> str:
    values = {
        "case_id": case["summary"]["id"],
        "procedure_id": case["summary"]["procedures"][0]["id"],
        "delivery_id": "1",
        "counter": "shimin",
        "ticket_id": "1",
        "action": "recall",
        "device_id": "cu-0000000000",
    }
    return re.sub(r"\{(\w+):\w+\}", lambda match: values[match.group(1)], path)


def test_the_route_list_is_not_empty() -> None:
    assert ("GET", "/api/staff/exports") in ROUTES
    assert ("GET", "/staff/cases/{case_id:str}/forms.pdf") in ROUTES


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_anonymous_users_are_refused(
    staff_central: StaffCentral, honcho_case: dict[str, Any], method: str, path: str
) -> None:
    response = httpx.request(method, staff_central.url + concrete(path, honcho_case))
    if method == "GET" and not path.startswith("/api/"):
        assert response.status_code in (302, 303, 307)
        assert response.headers["location"].startswith("/staff/login")
    else:
        assert response.status_code == 401


@pytest.mark.parametrize(("method", "path"), [route for route in ROUTES if "{case_id" in route[1]])
def test_users_of_other_offices_are_refused(
    staff_central: StaffCentral, honcho_case: dict[str, Any], method: str, path: str
) -> None:
    kita = login(staff_central, "kita_staff")
    url = concrete(path, honcho_case)
    data = {"csrf_token": kita.csrf, "status": "done", "field": "applicant.name", "value": "x"}
    data["comment"] = "x"
    response = kita.http.request(method, url, data=data if method in UNSAFE else None)
    assert response.status_code == 403
    assert honcho_case["facts"]["applicant"]["name"] not in response.text


def test_lists_and_exports_of_other_offices_are_empty(
    staff_central: StaffCentral, honcho_case: dict[str, Any]
) -> None:
    kita = login(staff_central, "kita_staff")
    case_id = honcho_case["summary"]["id"]
    for path in ("/staff/", "/staff/inbox/rows", "/api/staff/cases", "/api/staff/exports?approved=false"):
        response = kita.http.get(path)
        assert response.status_code == 200
        assert case_id not in response.text
    assert kita.http.get("/api/staff/access-log").status_code == 403
    assert kita.http.get("/api/staff/webhooks").status_code == 403


@pytest.fixture(scope="module")
def honcho_session(staff_central: StaffCentral) -> tuple[dict[str, str], dict[str, str]]:
    client = login(staff_central, "honcho_boss")
    return {"X-CSRF-Token": client.csrf}, dict(client.http.cookies)


def test_schemathesis_finds_no_server_error(
    staff_central: StaffCentral, honcho_session: tuple[dict[str, str], dict[str, str]]
) -> None:
    """Fuzz every staff operation in the OpenAPI schema, logged in with a valid CSRF token."""
    headers, cookies = honcho_session
    api = schemathesis.openapi.from_url(f"{staff_central.url}/schema/openapi.json").include(tag="staff")
    results = list(api.get_all_operations())
    assert all(isinstance(result, Ok) for result in results), "the schema is valid"
    operations = [result.ok() for result in results if isinstance(result, Ok)]
    assert len(operations) >= 5

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
        def fuzz(case: Any) -> None:
            case.call_and_validate(headers=headers, cookies=cookies, checks=[not_a_server_error])

        fuzz()
