"""Staff interview mode: the navigator asks through the staff page until the plan is complete."""

import random
import re

from protocol.facts import AnswerValue, Facts
from testbed.households import PLANNER, citizen, facts_of
from tests.staff.support import StaffCentral, login


def form_of(facts: Facts, answers: dict[str, AnswerValue], csrf: str) -> dict[str, list[str]]:
    """The interview page's fields as a browser would send them."""
    fields = [("office", "honcho"), ("life_event", facts.life_event)]
    fields += [
        (f"applicant.{key}", getattr(facts.applicant, key))
        for key in ("name", "address", "birth_date", "sex")
    ]
    for index, member in enumerate(facts.household):
        fields += [
            (f"member{index}.{key}", getattr(member, key))
            for key in ("name", "relation", "birth_date", "sex")
        ]
    for question_id, value in answers.items():
        name = f"q.{question_id}"
        if isinstance(value, bool):
            fields.append((name, "yes" if value else "no"))
        elif isinstance(value, dict):
            fields += [(name, ""), *((f"{name}.{member}", grade) for member, grade in value.items())]
        elif isinstance(value, list):
            fields += [(name, ""), *((name, item) for item in value)]
        else:
            fields.append((name, str(value)))
    form: dict[str, list[str]] = {"csrf_token": [csrf]}
    for name, value in fields:
        form.setdefault(name, []).append(value)
    return form


def test_interview_asks_then_records_the_planned_case(staff_central: StaffCentral) -> None:
    facts = citizen(random.Random(101), 101)
    client = login(staff_central, "honcho_staff")
    first = client.http.post("/staff/interview", data=form_of(facts, {}, client.csrf))
    assert first.status_code == 200
    asked = re.findall(r'data-question="([^"]+)"', first.text)
    assert asked, "the navigator asks its first questions"
    assert set(asked) <= set(facts.answers)

    done = client.http.post("/staff/interview", data=form_of(facts, facts.answers, client.csrf))
    assert done.status_code == 303
    case_id = done.headers["location"].rsplit("/", 1)[1]
    case = client.case(case_id)
    assert case["summary"]["origin"] == "interview"
    assert case["facts"]["applicant"]["name"] == facts.applicant.name
    expected = [procedure.id for procedure in PLANNER(facts).procedures]
    assert [p["id"] for p in case["plan"]["procedures"]] == expected
    assert client.http.get(f"/staff/cases/{case_id}/forms.pdf").status_code == 200


def test_interview_refuses_malformed_facts(staff_central: StaffCentral) -> None:
    client = login(staff_central, "honcho_staff")
    bad = {
        "csrf_token": client.csrf,
        "office": "honcho",
        "life_event": "holiday",
        "applicant.name": "窓口　一",
    }
    refused = client.http.post("/staff/interview", data=bad)
    assert refused.status_code == 422
    assert "入力に誤りがあります" in refused.text
    assert 'value="窓口　一"' in refused.text, "what staff typed is kept"


def test_interview_records_a_death_reported_by_a_relative_living_elsewhere(
    staff_central: StaffCentral,
) -> None:
    facts = facts_of(PLANNER.catalog, "death_reported_by_son_elsewhere")
    client = login(staff_central, "honcho_staff")
    form = form_of(facts, facts.answers, client.csrf)
    form |= {
        "applicant_role": ["relative"],
        "household_address": [str(facts.household_address)],
        "head": ["1"],
    }
    done = client.http.post("/staff/interview", data=form)
    assert done.status_code == 303, done.text
    case = client.case(done.headers["location"].rsplit("/", 1)[1])
    assert case["facts"]["applicant_role"] == "relative"
    assert case["facts"]["head"] == "1"
    planned = [procedure["id"] for procedure in case["plan"]["procedures"]]
    assert "shibou_todoke" in planned
    assert "setainushi_henko" not in planned
    page = client.http.get(done.headers["location"]).text
    assert "申請者は別世帯の親族" in page
    assert str(facts.household_address) in page


def test_interview_makes_the_household_consistent_as_the_kiosk_does(staff_central: StaffCentral) -> None:
    facts = facts_of(PLANNER.catalog, "death_reported_by_son_elsewhere")
    client = login(staff_central, "honcho_staff")
    form = form_of(facts, facts.answers, client.csrf) | {"applicant_role": ["relative"], "head": ["0"]}
    refused = client.http.post("/staff/interview", data=form)
    assert refused.status_code == 422
    assert "世帯の住所と世帯員を入力してください" in refused.text

    form["household_address"] = [str(facts.household_address)]
    done = client.http.post("/staff/interview", data=form)
    assert done.status_code == 303, done.text
    case = client.case(done.headers["location"].rsplit("/", 1)[1])
    assert case["facts"]["head"] is None, "the applicant lives elsewhere: not the head; the default stands"
    assert "世帯主：" + facts.household[0].name in client.http.get(done.headers["location"]).text
