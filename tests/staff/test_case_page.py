"""What a clerk sees on the case page and the inbox, in headless Chromium (staff pages are Japanese only):
every answer under the procedure that uses it in visiting order, labels instead of codes, times on the city's
clock, search, approval as a lock with its version history, a return with its comment, and approval by
department. Saves docs/screenshots/case-page.png and inbox.png."""

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import msgspec
from playwright.sync_api import Page, expect

from protocol.facts import Animal, Facts, Member, Person
from protocol.plan import decode_plan
from testbed.households import answered
from testbed.services import ROOT
from tests.staff.support import PASSWORD, StaffCentral, login, wait_for_case
from tests.support.browser import log_in

SCREENSHOTS = ROOT / "docs" / "screenshots"
TOKYO = ZoneInfo("Asia/Tokyo")


def family(tag: str) -> Facts:
    """A move-in of three: national health insurance for two, a dog, a school child."""
    return answered(
        Facts(
            life_event="move_in",
            language="ja",
            applicant=Person(
                name=f"窓口　一郎{tag}",
                address="熊本県熊本市中央区手取本町１－１",
                birth_date="1980-05-05",
                sex="1",
            ),
            household=[
                Member(name=f"窓口　二葉{tag}", relation="wife", birth_date="1982-02-02", sex="2"),
                Member(name=f"窓口　三太{tag}", relation="child", birth_date="2016-07-07", sex="1"),
            ],
            answers={
                "new_address": "みどり市中央町３－３",
                "moved_on": "2026-11-20",
                "phone": "096-123-4567",
                "nhi_members": ["0", "1"],
                "public_school_children": ["2"],
                "animals": [Animal(kind="dog", name="ポチ", registration="第１２３号")],
            },
        )
    )


def visiting_order(case: dict[str, Any]) -> list[str]:
    """The case's planned procedures in the order the citizen visits their counters."""
    plan = decode_plan(msgspec.json.encode(case["plan"]))
    assert plan is not None
    planned = {item.id for item in plan.procedures}
    return [pid for counter in plan.visiting_order() for pid in counter.procedures if pid in planned]


def test_the_case_page_shows_every_answer_with_labels(page: Page, staff_central: StaffCentral) -> None:
    facts = family("Ａ")
    case_id = staff_central.sync(facts)
    case = wait_for_case(login(staff_central, "honcho_staff"), case_id)

    log_in(page, "honcho_staff", PASSWORD)
    page.goto(f"/staff/cases/{case_id}")
    answers = page.locator("#answers")
    shared = answers.locator(".answer-group").first  # what several procedures use, once
    expect(shared.locator("h3")).to_have_text("共通の回答")
    expect(shared.locator('[data-question="new_address"] td')).to_have_text("みどり市中央町３－３")
    expect(shared.locator('[data-question="phone"] td')).to_have_text("096-123-4567")
    expect(shared.locator(".used-by")).to_contain_text("住民異動届（転入届）")
    expect(answers.locator('[data-question="moved_on"] td')).to_have_text("2026-11-20（令和8年11月20日）")
    insurance = answers.locator('[data-procedure="kokuho_kanyu"]')
    expect(insurance.locator('[data-question="nhi_members"] td')).to_have_text(
        f"{facts.applicant.name}、{facts.household[0].name}"
    )
    dog = answers.locator('[data-procedure="inu_toroku"] [data-question="animals"] td')
    expect(dog).to_have_text("犬「ポチ」（登録番号 第１２３号）")
    expect(answers).not_to_contain_text("nhi_members")
    groups = answers.locator(".answer-group[data-procedure]")
    shown = [groups.nth(i).get_attribute("data-procedure") for i in range(groups.count())]
    order = visiting_order(case)
    assert shown == [pid for pid in order if pid in shown], "answers follow the visiting order"

    rows = page.locator("#procedures tbody tr")
    assert [rows.nth(i).get_attribute("data-procedure") for i in range(rows.count())] == order

    household = page.locator("#household")
    expect(household.locator('[aria-label="世帯員1 続柄"] option[selected]')).to_have_text("妻")
    expect(household.locator('[aria-label="申請者 性別"] option[selected]')).to_have_text("男")
    expect(page.locator("h1")).to_contain_text("本庁舎")
    expect(page.locator("#procedures")).to_contain_text("市民課（住民異動・証明）")
    expect(page.locator("#procedures")).not_to_contain_text("shimin")

    fix = page.locator('form.correction[data-field="household.1.name"]')
    fix.locator("input[name=value]").fill("窓口　三郎Ａ")
    fix.locator("button").click()
    corrections = page.locator("#corrections")
    expect(corrections).to_contain_text("世帯員2 氏名")
    expect(corrections).not_to_contain_text("household.1.name")
    at = datetime.fromisoformat(
        wait_for_case(login(staff_central, "honcho_staff"), case_id)["corrections"][0]["at"]
    )
    expect(corrections).to_contain_text(at.astimezone(TOKYO).strftime("%Y-%m-%d %H:%M"))  # the city's clock
    created = datetime.fromisoformat(case["summary"]["created_at"]).astimezone(TOKYO)
    expect(page.locator("#case-status")).to_contain_text(created.strftime("%Y-%m-%d %H:%M"))

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "case-page.png"), full_page=True)


def test_search_and_the_inbox(page: Page, staff_central: StaffCentral) -> None:
    facts = family("Ｂ")
    case_id = staff_central.sync(facts)
    other = staff_central.sync(family("Ｃ"))
    client = login(staff_central, "honcho_staff")
    ticket = wait_for_case(client, case_id)["summary"]["ticket"]
    wait_for_case(client, other)

    log_in(page, "honcho_staff", PASSWORD)
    page.fill("input[name=q]", "窓口 一郎Ｂ")  # typed with a half-width space
    page.click("text=絞り込む")
    expect(page.locator(f'tr[data-case="{case_id}"]')).to_be_visible()
    expect(page.locator(f'tr[data-case="{other}"]')).to_have_count(0)
    expect(page.locator("#inbox-rows")).to_contain_text("本庁舎")
    expect(page.locator("#export-csv")).to_have_attribute(
        "href", "/api/staff/exports?format=csv&encoding=cp932&approved=true"
    )

    def listed(**query: str) -> set[str]:
        response = client.http.get("/api/staff/cases", params=query)
        assert response.status_code == 200, response.text
        return {item["id"] for item in response.json()}

    assert case_id in listed(q=ticket)
    assert case_id in listed(q="一郎Ｂ"), "a given name alone"
    assert case_id not in listed(q="一郎Ｃ")
    created = datetime.fromisoformat(wait_for_case(client, case_id)["summary"]["created_at"])
    city_day = created.astimezone(TOKYO).date()
    assert case_id in listed(day=city_day.isoformat()), "the city's calendar day"
    assert case_id not in listed(day=(city_day - timedelta(days=1)).isoformat())
    assert case_id not in listed(before=created.isoformat()), "the next page holds older cases only"
    assert case_id in listed(before=(created + timedelta(seconds=1)).isoformat())
    assert client.http.get("/api/staff/cases", params={"before": "yesterday"}).status_code == 400

    page.goto("/staff/")
    page.screenshot(path=str(SCREENSHOTS / "inbox.png"), full_page=True)


def test_approval_is_a_lock_and_follows_the_department(page: Page, staff_central: StaffCentral) -> None:
    case_id = staff_central.sync(family("Ｄ"))
    wait_for_case(login(staff_central, "shimin_clerk"), case_id)

    log_in(page, "shimin_clerk", PASSWORD)  # approves 市民課 only
    page.goto(f"/staff/cases/{case_id}")
    resident = page.locator('#procedures tr[data-procedure="tennyu_todoke"]')
    insurance = page.locator('#procedures tr[data-procedure="kokuho_kanyu"]')
    expect(insurance.locator("button.approve")).to_have_count(0)
    expect(insurance).to_contain_text("保険年金課が承認")

    resident.locator("button.approve").click()
    expect(resident).to_contain_text("承認済（shimin_clerk")
    expect(resident.locator("select[name=status]")).to_have_count(0)  # locked

    fix = page.locator('form.correction[data-field="applicant.address"]')
    fix.locator("input[name=value]").fill("熊本県熊本市中央区訂正町２－２")
    fix.locator("button").click()
    expect(resident).not_to_contain_text("承認済")
    expect(resident.locator("button.approve")).to_be_visible()
    versions = page.locator("#versions")
    expect(versions.locator("tbody tr").first).to_contain_text("承認を取り消し：住民異動届（転入届）")
    expect(versions).to_contain_text("受付時の内容")

    resident.locator("input[name=comment]").fill("転出証明書の写しが必要です")
    resident.locator(".return button").click()
    expect(resident.locator(".return-comment")).to_have_text("差戻し理由：転出証明書の写しが必要です")
    expect(resident.locator("select[name=status] option[selected]")).to_have_text("差戻し")
