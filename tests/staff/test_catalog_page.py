"""The catalog page on central: supervisors read every procedure in words and try a household; staff may not.

Over HTTP for the rules (roles, CSRF, bad input, what a plan shows), then in headless Chromium as a supervisor
would use it, which also takes the screenshot in docs/screenshots/catalog-page.png.
"""

import json
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from testbed.households import PLANNER
from tests.staff.support import PASSWORD, StaffCentral, login
from tests.support.browser import opened_page

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PROXY_DEATH = "death_reported_by_son_elsewhere"


def _example_facts(example_id: str) -> tuple[str, str]:
    example = next(item for item in PLANNER.catalog.content.examples if item.id == example_id)
    return json.dumps(example.facts, ensure_ascii=False), example.today


def test_staff_may_not_open_the_catalog_page(staff_central: StaffCentral) -> None:
    client = login(staff_central, "honcho_staff")
    assert client.http.get("/staff/catalog/").status_code == 403
    facts, today = _example_facts(PROXY_DEATH)
    assert client.post_form("/staff/catalog/try", {"facts": facts, "today": today}).status_code == 403


def test_every_procedure_is_listed_with_its_conditions_in_words(staff_central: StaffCentral) -> None:
    page = login(staff_central, "honcho_boss").http.get("/staff/catalog/")
    assert page.status_code == 200
    listed = re.findall(r'<tr id="procedure-[a-z0-9_]+" data-procedure="([a-z0-9_]+)"', page.text)
    assert listed == [compiled.procedure.id for compiled in PLANNER.catalog.procedures]
    body = page.text.split('id="catalog-procedures"', 1)[1].split("</table>", 1)[0]
    assert not [cel for cel in ("answers.", "&amp;&amp;", "m.age", "event ==") if cel in body]
    assert "世帯主変更届" in body
    assert "その人が65歳以上" in body
    assert f"?example={PROXY_DEATH}#try" in body  # the example households that reach a procedure


def test_trying_a_household_shows_its_plan_and_keeps_nothing(staff_central: StaffCentral) -> None:
    client = login(staff_central, "honcho_boss")
    facts, today = _example_facts(PROXY_DEATH)
    before = client.http.get("/api/staff/cases").text.count("霧島")  # other tests may store a 霧島 family
    shown = client.post_form("/staff/catalog/try", {"facts": facts, "today": today})
    assert shown.status_code == 200
    planned = re.findall(r'data-planned="([a-z0-9_]+)"', shown.text)
    assert "shibou_todoke" in planned
    assert "setainushi_henko" not in planned
    assert "東京都世田谷区太子堂二丁目3番4号" in shown.text  # the son prints at his own address
    assert client.http.get("/api/staff/cases").text.count("霧島") == before


def test_a_household_with_open_questions_names_them(staff_central: StaffCentral) -> None:
    client = login(staff_central, "honcho_boss")
    facts, today = _example_facts(PROXY_DEATH)
    partial = json.loads(facts)
    del partial["answers"]["chief_mourner"]
    shown = client.post_form("/staff/catalog/try", {"facts": json.dumps(partial), "today": today})
    assert shown.status_code == 200
    assert "<code>chief_mourner</code>" in shown.text


@pytest.mark.parametrize(
    ("facts", "today"),
    [
        ("{not json", "2026-11-20"),
        ('{"life_event": "move_in"}', "2026-11-20"),
        ("x" * 40_000, "2026-11-20"),
        (None, "20/11/2026"),
    ],
)
def test_bad_input_is_a_clear_422(staff_central: StaffCentral, facts: str | None, today: str) -> None:
    client = login(staff_central, "honcho_boss")
    posted = facts if facts is not None else _example_facts(PROXY_DEATH)[0]
    refused = client.post_form("/staff/catalog/try", {"facts": posted, "today": today})
    assert refused.status_code == 422
    assert 'id="try-error"' in refused.text


def test_trying_needs_the_csrf_token(staff_central: StaffCentral) -> None:
    client = login(staff_central, "honcho_boss")
    facts, today = _example_facts(PROXY_DEATH)
    assert client.http.post("/staff/catalog/try", data={"facts": facts, "today": today}).status_code == 403


@pytest.fixture
def page(browser: Browser, staff_central: StaffCentral) -> Iterator[Page]:
    with opened_page(browser, staff_central.url, 1400, 1000) as opened:
        yield opened


def test_a_supervisor_checks_a_household_in_the_browser(page: Page) -> None:
    page.goto("/staff/login")
    page.fill("input[name=name]", "honcho_boss")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.get_by_role("link", name="手続カタログ").click()
    expect(page.locator("h1")).to_contain_text("手続カタログ")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "catalog-page.png"))
    expect(page.locator('tr[data-procedure="setainushi_henko"]')).to_contain_text("世帯主である")
    page.select_option('select[name="example"]', PROXY_DEATH)
    page.get_by_role("button", name="読み込む").click()
    page.fill('input[name="today"]', date(2026, 11, 20).isoformat())
    page.get_by_role("button", name="計画を見る").click()
    plan = page.locator("#try-plan")
    expect(plan.locator('tr[data-planned="shibou_todoke"]')).to_be_visible()
    expect(plan.locator('tr[data-planned="setainushi_henko"]')).to_have_count(0)
    plan.locator('tr[data-planned="shibou_todoke"] details summary').first.click()
    expect(plan.locator('dd[data-field="shibou_todoke.shibou_todoke@1.todokede_nin_jusho"]')).to_have_text(
        "東京都世田谷区太子堂二丁目3番4号"
    )
    expect(page.locator('select[name="example"]')).to_have_value(PROXY_DEATH)
    page.locator("#try").screenshot(path=str(SCREENSHOTS / "catalog-try.png"))
