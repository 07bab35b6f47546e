"""Counter work over HTTP: open a case by its slip's QR before it syncs, keep staff's work when it syncs,
correct, move procedures (the case's status follows), approve."""

import random

from testbed.households import citizen
from tests.staff.support import StaffCentral, StaffClient, login, wait_for_case


def set_status(client: StaffClient, case_id: str, procedure_id: str, status: str) -> None:
    response = client.post_form(
        f"/staff/cases/{case_id}/procedures/{procedure_id}/status", {"status": status}
    )
    assert response.status_code == 303, response.text


def test_qr_opens_an_unsynced_case_and_its_sync_keeps_what_staff_did(staff_central: StaffCentral) -> None:
    facts = citizen(random.Random(41), 41)
    case_id, qr, wire = staff_central.slip_qr(facts)
    client = login(staff_central, "honcho_staff")
    opened = client.post_form("/staff/counter", {"qr": qr})
    assert opened.status_code == 303
    assert opened.headers["location"] == f"/staff/cases/{case_id}"
    case = client.case(case_id)
    assert case["summary"]["origin"] == "qr"
    assert case["summary"]["synced"] is False
    assert case["summary"]["procedures"], "the navigator planned it at the counter"
    fixed = client.post_form(
        f"/staff/cases/{case_id}/corrections", {"field": "applicant.name", "value": "髙橋　一郎"}
    )
    assert fixed.status_code == 303
    first = case["summary"]["procedures"][0]["id"]
    set_status(client, case_id, first, "in_progress")

    staff_central.publish("honcho", wire)  # the network is back: the unit's outbox drains
    synced = wait_for_case(client, case_id, synced=True)
    assert synced["facts"]["applicant"]["name"] == "髙橋　一郎"
    assert synced["summary"]["origin"] == "qr"
    assert synced["summary"]["status"] == "in_progress"
    assert {p["id"]: p["status"] for p in synced["summary"]["procedures"]}[first] == "in_progress"
    assert [c["after"] for c in synced["corrections"]] == ["髙橋　一郎"]
    inbox = client.http.get("/api/staff/cases").json()
    assert [row["id"] for row in inbox].count(case_id) == 1
    again = client.post_form("/staff/counter", {"qr": qr})
    assert again.headers["location"] == f"/staff/cases/{case_id}"


def test_the_case_status_follows_its_procedures(staff_central: StaffCentral) -> None:
    case_id = staff_central.sync(citizen(random.Random(44), 44))
    client = login(staff_central, "honcho_staff")
    procedures = [p["id"] for p in wait_for_case(client, case_id)["summary"]["procedures"]]
    assert len(procedures) >= 2
    assert client.case(case_id)["summary"]["status"] == "received"
    set_status(client, case_id, procedures[0], "in_progress")
    assert client.case(case_id)["summary"]["status"] == "in_progress"
    set_status(client, case_id, procedures[0], "not_needed")
    for procedure in procedures[1:]:
        set_status(client, case_id, procedure, "done")
    assert client.case(case_id)["summary"]["status"] == "done"
    for procedure in procedures[1:-1]:
        assert client.post_form(f"/staff/cases/{case_id}/procedures/{procedure}/approve").status_code == 303
    assert client.case(case_id)["summary"]["status"] == "done", "one procedure is not approved yet"
    assert client.post_form(f"/staff/cases/{case_id}/procedures/{procedures[-1]}/approve").status_code == 303
    assert client.case(case_id)["summary"]["status"] == "approved", "every procedure approved or not needed"
    assert client.post_form(f"/staff/cases/{case_id}/procedures/{procedures[0]}/approve").status_code == 409
    set_status(client, case_id, procedures[0], "waiting")
    assert client.case(case_id)["summary"]["status"] == "in_progress", "a procedure is open again"


def test_corrections_are_recorded_replanned_and_flag_gaiji(staff_central: StaffCentral) -> None:
    facts = citizen(random.Random(42), 42)
    case_id = staff_central.sync(facts)
    client = login(staff_central, "honcho_staff")
    wait_for_case(client, case_id)
    response = client.post_form(
        f"/staff/cases/{case_id}/corrections",
        {"field": "household.0.name", "value": "渡邊　二郎", "gaiji": "1"},
    )
    assert response.status_code == 303
    case = client.case(case_id)
    [correction] = case["corrections"]
    assert correction["field"] == "household.0.name"
    assert correction["before"] == facts.household[0].name
    assert correction["after"] == "渡邊　二郎"
    assert correction["gaiji"] is True
    assert correction["user"] == "honcho_staff"
    values = [field["value"] for form in case["plan"]["forms"] for field in form["fields"]]
    assert "渡邊　二郎" in values, "the forms were filled again with the corrected name"
    assert facts.household[0].name not in values
    bad = client.post_form(f"/staff/cases/{case_id}/corrections", {"field": "applicant.sex", "value": "x"})
    assert bad.status_code == 409
    unknown = client.post_form(f"/staff/cases/{case_id}/corrections", {"field": "answers.x", "value": "1"})
    assert unknown.status_code == 409


def test_other_offices_and_foreign_qr_codes_are_refused(staff_central: StaffCentral) -> None:
    case_id, qr, _ = staff_central.slip_qr(citizen(random.Random(43), 43))
    kita = login(staff_central, "kita_staff")
    assert kita.post_form("/staff/counter", {"qr": qr}).status_code == 403
    assert kita.post_form("/staff/counter", {"qr": "NOT A QR"}).status_code == 409
    honcho = login(staff_central, "honcho_staff")
    assert honcho.post_form("/staff/counter", {"qr": qr}).status_code == 303
    assert kita.http.get(f"/api/staff/cases/{case_id}").status_code == 403
    assert kita.http.get(f"/staff/cases/{case_id}").status_code == 403
    assert case_id not in kita.http.get("/api/staff/cases").text
    assert (
        kita.post_form(
            f"/staff/cases/{case_id}/corrections", {"field": "applicant.name", "value": "x"}
        ).status_code
        == 403
    )
