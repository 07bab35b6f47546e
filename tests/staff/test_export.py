"""Hand-off to core systems: approved procedures as CP932 / UTF-8 CSV and JSON lines, by CLI and HTTP."""

import csv
import io
import random
from typing import Any

import msgspec
import pytest
from sqlmodel import Session, select

from central.db import make_engine
from central.exports import run
from central.models import AccessEntry
from protocol.facts import Facts
from testbed.households import citizen
from tests.staff.support import (
    StaffCentral,
    StaffClient,
    decode_lines,
    login,
    wait_for_case,
)

OUTSIDE_CP932 = "𠮷"  # U+20BB7, the 'tsuchi-yoshi' of 𠮷田: a classic 外字
CASE_FIELDS = {
    "id",
    "status",
    "origin",
    "office_id",
    "device_id",
    "life_event",
    "language",
    "ticket",
    "created_at",
    "received_at",
    "updated_at",
    "facts",
    "plan",
    "procedures",
}
"""The every-case JSON export's fields (docs/staff.md)."""


@pytest.fixture(scope="module")
def approved(staff_central: StaffCentral) -> dict[str, Facts]:
    """Two synced cases, every procedure approved; the second household has a character CP932 lacks."""
    plain = citizen(random.Random(21), 21)
    gaiji = citizen(random.Random(22), 22)
    gaiji = msgspec.structs.replace(
        gaiji,
        household=[msgspec.structs.replace(gaiji.household[0], name=f"{OUTSIDE_CP932}田　子")],
    )
    client = login(staff_central, "honcho_staff")
    cases = {}
    for facts in (plain, gaiji):
        case_id = staff_central.sync(facts)
        case = wait_for_case(client, case_id)
        approve_all(client, case_id, case)
        cases[case_id] = facts
    return cases


def approve_all(client: StaffClient, case_id: str, case: Any) -> None:
    for procedure in case["summary"]["procedures"]:
        response = client.post_form(f"/staff/cases/{case_id}/procedures/{procedure['id']}/approve")
        assert response.status_code == 303, response.text


def household_text(facts: Facts) -> list[str]:
    people = [(facts.applicant.name, facts.applicant.birth_date)]
    people += [(member.name, member.birth_date) for member in facts.household]
    return [text for person in people for text in person]


def test_cp932_csv_keeps_every_character_and_reports_what_it_cannot(
    staff_central: StaffCentral, approved: dict[str, Facts]
) -> None:
    done = staff_central.cli("export", "--approved", "--format", "csv", "--encoding", "cp932")
    rows = list(csv.DictReader(io.StringIO(done.stdout.decode("cp932"), newline="")))
    plain_id, gaiji_id = list(approved)
    plain_values = {row["value"] for row in rows if row["case_id"] == plain_id}
    for text in [
        *household_text(approved[plain_id]),
        approved[plain_id].applicant.address,
    ]:
        assert text in plain_values
    assert not any(row["unencodable"] for row in rows if row["case_id"] == plain_id)
    lost = [row for row in rows if row["unencodable"] and row["case_id"] in approved]
    assert lost, "the 𠮷 rows are reported"
    assert {row["case_id"] for row in lost} == {gaiji_id}
    assert all(row["unencodable"] == "U+20BB7" and "〓" in row["value"] for row in lost)
    report = [line for line in done.stderr.decode().splitlines() if f"case {gaiji_id}" in line]
    assert len(report) == len(lost)
    assert all("U+20BB7" in line for line in report)


def test_utf8_csv_has_a_bom_and_keeps_the_gaiji(
    staff_central: StaffCentral, approved: dict[str, Facts]
) -> None:
    raw = staff_central.cli("export", "--approved", "--format", "csv").stdout
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("case_id,procedure_id,procedure_name")
    assert OUTSIDE_CP932 in text
    assert all(case_id in text for case_id in approved)


def test_json_export_has_every_case_with_its_status_and_approved_json_has_procedures(
    staff_central: StaffCentral, approved: dict[str, Facts]
) -> None:
    cases = {
        case["id"]: case for case in decode_lines(staff_central.cli("export", "--format", "json").stdout)
    }
    assert set(approved) <= set(cases)
    for case_id, facts in approved.items():
        case = cases[case_id]
        assert set(case) == CASE_FIELDS
        assert (case["status"], case["origin"], case["office_id"]) == ("approved", "sync", "honcho")
        assert case["received_at"] is not None, "it synced"
        assert case["device_id"] == staff_central.device().device_id
        assert case["facts"]["applicant"]["name"] == facts.applicant.name
        assert {p["id"] for p in case["procedures"]} == {p["id"] for p in case["plan"]["procedures"]}
        assert all(p["approved_by"] == "honcho_staff" for p in case["procedures"])
    procedures = decode_lines(staff_central.cli("export", "--approved", "--format", "json").stdout)
    assert {record["case_id"] for record in procedures} >= set(approved)
    mine = [record for record in procedures if record["case_id"] in approved]  # other tests approve too
    assert all(record["approved_by"] == "honcho_staff" for record in mine)
    for record in procedures:
        if record["case_id"] in approved:
            plan = cases[record["case_id"]]["plan"]
            planned = [form["id"] for form in plan["forms"] if form["procedure"] == record["procedure_id"]]
            assert [form["id"] for form in record["forms"]] == planned
    assert all(any(r["forms"] for r in procedures if r["case_id"] == case_id) for case_id in approved)


def test_http_export_is_per_office_and_logged(
    staff_central: StaffCentral, approved: dict[str, Facts]
) -> None:
    honcho = login(staff_central, "honcho_staff")
    response = honcho.http.get("/api/staff/exports", params={"encoding": "cp932"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=Shift_JIS"
    assert response.headers["x-madoguchi-unencodable-rows"]
    assert "content-length" not in response.headers  # streamed, never built whole in memory
    assert all(case_id in response.content.decode("cp932") for case_id in approved)
    kita = login(staff_central, "kita_staff")
    other = kita.http.get("/api/staff/exports")
    assert other.status_code == 200
    assert other.headers["content-type"] == "text/csv; charset=utf-8"
    assert not any(case_id in other.text for case_id in approved)


def test_export_for_one_department(staff_central: StaffCentral, approved: dict[str, Facts]) -> None:
    done = staff_central.cli("export", "--approved", "--format", "csv", "--procedure", "tennyu_todoke")
    rows = list(csv.DictReader(io.StringIO(done.stdout.decode("utf-8-sig"), newline="")))
    assert {row["procedure_id"] for row in rows} == {"tennyu_todoke"}
    assert set(approved) <= {row["case_id"] for row in rows}
    client = login(staff_central, "honcho_staff")
    response = client.http.get("/api/staff/exports", params={"format": "json", "procedure": "jido_teate"})
    assert {record["procedure_id"] for record in decode_lines(response.content)} == {"jido_teate"}


EXPORTS = [
    ("cli", ("--format", "json"), "json/utf-8/cases"),
    ("cli", ("--format", "json", "--approved"), "json/utf-8/approved"),
    ("cli", ("--format", "csv"), "csv/utf-8/all"),
    ("cli", ("--format", "csv", "--approved", "--encoding", "cp932"), "csv/cp932/approved"),
    ("http", ("format=csv",), "csv/utf-8/approved"),
    ("http", ("format=csv", "encoding=cp932", "approved=false"), "csv/cp932/all"),
    ("http", ("format=json",), "json/utf-8/approved"),
]
"""(caller, CLI flags or HTTP query, the format the access log names)."""


@pytest.mark.parametrize(("caller", "how", "detail"), EXPORTS)
def test_every_export_path_writes_the_access_log(
    staff_central: StaffCentral, approved: dict[str, Facts], caller: str, how: tuple[str, ...], detail: str
) -> None:
    boss = login(staff_central, "honcho_boss")
    user = "cli" if caller == "cli" else "honcho_staff"

    def logged(case_id: str) -> int:
        entries = boss.http.get("/api/staff/access-log", params={"case_id": case_id}).json()
        return sum((e["user"], e["action"], e["detail"]) == (user, "export", detail) for e in entries)

    before = {case_id: logged(case_id) for case_id in approved}
    if caller == "cli":
        staff_central.cli("export", *how)
    else:
        query = dict(item.split("=") for item in how)
        assert login(staff_central, user).http.get("/api/staff/exports", params=query).status_code == 200
    assert {case_id: logged(case_id) for case_id in approved} == {key: n + 1 for key, n in before.items()}


def test_an_export_larger_than_a_log_window_logs_every_case_it_wrote(
    staff_central: StaffCentral, approved: dict[str, Facts], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The log is written a window of records at a time (memory holds one window's case ids): with windows of
    three records, every case with a record in the export is still logged, and only those."""
    monkeypatch.setattr(run, "LOG_EVERY", 3)
    engine = make_engine(f"sqlite:///{staff_central.data_dir / 'central.db'}")
    try:
        out = io.BytesIO()
        run.run_export(engine, run.ExportRequest(fmt="json", approved=True), out, "window-test")
        written = {record["case_id"] for record in decode_lines(out.getvalue())}
        with Session(engine) as session:
            query = select(AccessEntry.case_id).where(AccessEntry.user_name == "window-test")
            logged = list(session.exec(query))
    finally:
        engine.dispose()
    assert set(approved) <= written
    assert set(logged) == written
