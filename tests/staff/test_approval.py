"""Approval is a lock and follows the department: a correction after approval reopens the approved procedures
(the export and the webhooks then carry the corrected record only once approved again), every change is a
version, a return carries its comment, clerks approve only their department's procedures (alone or in bulk),
supervisors every department's; one department's forms print alone."""

import random
import re
from typing import Any

import msgspec

from testbed.households import citizen
from tests.spine.helpers import wait_until
from tests.staff.receiver import Receiver
from tests.staff.support import StaffCentral, StaffClient, decode_lines, login, wait_for_case

RESIDENT = "tennyu_todoke"  # 市民課
INSURANCE = "kokuho_kanyu"  # 保険年金課


def procedure(case: dict[str, Any], procedure_id: str) -> dict[str, Any]:
    return dict(next(p for p in case["summary"]["procedures"] if p["id"] == procedure_id))


def approved_records(client: StaffClient, case_id: str) -> list[Any]:
    response = client.http.get("/api/staff/exports", params={"format": "json", "approved": "true"})
    return [row for row in decode_lines(response.content) if row["case_id"] == case_id]


def delivered(receiver: Receiver, case_id: str) -> list[Any]:
    """What the receiver took for this case, in order."""
    return [item for item in receiver.accepted if item["case_id"] == case_id]


def new_case(
    central: StaffCentral, client: StaffClient, seed: int, nhi: bool = False, office: str = "honcho"
) -> str:
    facts = citizen(random.Random(seed), seed)
    if nhi:
        facts = msgspec.structs.replace(facts, answers={**facts.answers, "nhi_members": ["0"]})
    case_id = central.sync(facts, office)
    wait_for_case(client, case_id)
    return case_id


def test_a_correction_after_approval_reopens_it_and_every_change_is_a_version(
    staff_central: StaffCentral,
) -> None:
    receiver = Receiver().start()
    try:
        added = staff_central.cli("webhook", "add", receiver.url, "--procedure", RESIDENT)
        receiver.secret = added.stdout.decode().strip()
        client = login(staff_central, "honcho_staff")
        case_id = new_case(staff_central, client, 131)
        approve = f"/staff/cases/{case_id}/procedures/{RESIDENT}/approve"
        assert client.post_form(approve).status_code == 303
        first = procedure(client.case(case_id), RESIDENT)["approved_at"]
        assert [row["procedure_id"] for row in approved_records(client, case_id)] == [RESIDENT]
        wait_until(lambda: len(delivered(receiver, case_id)) == 1, what="the approved record delivered")

        fixed = {"field": "applicant.address", "value": "熊本県熊本市中央区訂正町１－１"}
        assert client.post_form(f"/staff/cases/{case_id}/corrections", fixed).status_code == 303
        case = client.case(case_id)
        assert procedure(case, RESIDENT)["approved_at"] is None, "the approved record changed: approve again"
        assert procedure(case, RESIDENT)["status"] == "in_progress"
        assert approved_records(client, case_id) == [], "nothing approved is exported meanwhile"
        changes = [version["change"] for version in case["versions"]]
        assert changes[-1] == "受付時の内容"
        assert "住民異動届（転入届）：承認" in changes
        assert changes[0] == "申請者 住所を訂正（承認を取り消し：住民異動届（転入届））"
        assert [version["number"] for version in case["versions"]] == [3, 2, 1]
        access_log = login(staff_central, "honcho_boss").http.get("/staff/access-log").text
        assert "申請者 住所" in access_log, "the corrected field by its label"
        assert "applicant.address" not in access_log

        assert client.post_form(approve).status_code == 303
        again = procedure(client.case(case_id), RESIDENT)["approved_at"]
        assert again > first
        wait_until(lambda: len(delivered(receiver, case_id)) == 2, what="the corrected record delivered")
        first_record, corrected = delivered(receiver, case_id)
        assert fixed["value"] in str(corrected)
        assert fixed["value"] not in str(first_record)
        assert len(receiver.attempts) == 2, "a new delivery id: a receiver dropping repeats takes it"
        assert fixed["value"] in str(approved_records(client, case_id))
        assert (
            client.post_form(f"/staff/cases/{case_id}/corrections", fixed | {"value": "x"}).status_code == 303
        )
    finally:
        receiver.stop()


def test_a_return_carries_its_comment(staff_central: StaffCentral) -> None:
    client = login(staff_central, "honcho_staff")
    case_id = new_case(staff_central, client, 132)
    back = f"/staff/cases/{case_id}/procedures/{RESIDENT}/return"
    assert client.post_form(back, {"comment": "  "}).status_code == 409, "a return says why"
    assert procedure(client.case(case_id), RESIDENT)["status"] == "waiting"
    assert client.post_form(back, {"comment": "転出証明書の住所と一致しません"}).status_code == 303
    case = client.case(case_id)
    assert procedure(case, RESIDENT)["status"] == "sent_back"
    assert case["versions"][0]["comment"] == "転出証明書の住所と一致しません"
    assert "差戻し理由：転出証明書の住所と一致しません" in client.http.get(f"/staff/cases/{case_id}").text


def test_clerks_approve_their_own_department_and_supervisors_any(staff_central: StaffCentral) -> None:
    clerk = login(staff_central, "shimin_clerk")  # 市民課 only
    case_id = new_case(staff_central, clerk, 133, nhi=True)
    refused = clerk.post_form(f"/staff/cases/{case_id}/procedures/{INSURANCE}/approve")
    assert refused.status_code == 403
    assert "担当課の手続ではない" in refused.text
    assert procedure(clerk.case(case_id), INSURANCE)["approved_at"] is None
    assert clerk.post_form(f"/staff/cases/{case_id}/procedures/{RESIDENT}/approve").status_code == 303
    page = clerk.http.get(f"/staff/cases/{case_id}").text
    assert f'action="/staff/cases/{case_id}/procedures/{INSURANCE}/approve"' not in page
    assert "保険年金課が承認" in page
    boss = login(staff_central, "honcho_boss")
    assert boss.post_form(f"/staff/cases/{case_id}/procedures/{INSURANCE}/approve").status_code == 303


def test_bulk_approval_takes_only_the_users_departments(staff_central: StaffCentral) -> None:
    clerk = login(staff_central, "shimin_clerk")
    cases = [new_case(staff_central, clerk, seed, nhi=True) for seed in (134, 135)]
    kita = login(staff_central, "kita_staff")
    other_office = new_case(
        staff_central, kita, 136, office="kita"
    )  # a kita case: the honcho clerk may not touch it

    refused = clerk.http.post(
        "/staff/approve", data={"csrf_token": clerk.csrf, "case_id": [*cases, other_office]}
    )
    assert refused.status_code == 403
    assert all(procedure(clerk.case(case_id), RESIDENT)["approved_at"] is None for case_id in cases)

    done = clerk.http.post("/staff/approve", data={"csrf_token": clerk.csrf, "case_id": cases})
    assert done.status_code == 303
    count = int(re.search(r"approved=(\d+)", done.headers["location"]).group(1))  # type: ignore[union-attr]
    approved = []
    for case_id in cases:
        for item in clerk.case(case_id)["summary"]["procedures"]:
            if item["approved_at"]:
                assert item["department"] == "市民課"
                approved.append(item)
            elif item["status"] != "not_needed":
                assert item["department"] != "市民課"
    assert count == len(approved) > 0
    assert f"{count}件の手続を承認しました" in clerk.http.get(done.headers["location"]).text
    assert clerk.post_form("/staff/approve").status_code == 400, "nothing ticked"


def test_one_departments_forms_print_alone(staff_central: StaffCentral) -> None:
    client = login(staff_central, "honcho_staff")
    case_id = new_case(staff_central, client, 137, nhi=True)

    def pages(query: str) -> int:
        response = client.http.get(f"/staff/cases/{case_id}/forms.pdf{query}")
        assert response.status_code == 200
        return len(re.findall(rb"/Type /Page\b(?!s)", response.content))

    every, resident = pages(""), pages("?department=市民課")
    assert 0 < resident < every
    assert pages("?department=存在しない課") == 1, "a page saying there is nothing to print"
