"""The dashboard in headless Chromium shows the scripted day's hand-computed figures to a supervisor, offers
them as CSV in UTF-8 and CP932, and refuses a clerk and another office's supervisor."""

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from central.kpi.figures import DayFigures
from central.kpi.table import DAY_COLUMNS, PROCEDURE_COLUMNS, day_row, number
from tests.kpi.conftest import PASSWORD, KpiCentral
from tests.kpi.test_figures import HONCHO_DAY, HONCHO_NEXT_DAY
from tests.support.browser import log_in, opened_page

SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "kpi-dashboard.png"
PERIOD = "office=honcho&start=2026-11-30&end=2026-12-01"


@pytest.fixture
def page(browser: Browser, kpi_central: KpiCentral) -> Iterator[Page]:
    with opened_page(browser, kpi_central.url, 1280, 900) as opened:
        yield opened


def shown(minutes: float | None) -> str:
    """A figure as the page prints minutes."""
    return "—" if minutes is None else f"{number(minutes)}分"


def expect_day(page: Page, figures: DayFigures) -> None:
    assert figures.day is not None
    cells = page.locator(f'#kpi-days tr[data-day="{figures.day.isoformat()}"] td')
    expect(cells).to_have_text(
        [
            figures.day.isoformat(),
            str(figures.tickets),
            str(figures.cases_handled),
            shown(figures.stay_minutes),
            shown(figures.wait_minutes),
            shown(figures.service_minutes),
            shown(figures.after_work_minutes),
            str(figures.after_work_pending),
            str(figures.no_shows),
            str(figures.transfers),
            str(figures.fields_prefilled),
            f"{number(figures.satisfaction)}点（{figures.ratings}件）",
            f"{number(figures.satisfied_percent)}%",
        ]
    )


def test_a_supervisor_sees_the_days_figures_with_charts_and_help(page: Page) -> None:
    log_in(page, "honcho_boss", PASSWORD)
    page.click("text=成果指標")
    expect(page.locator("h1")).to_have_text("成果指標（KPI）")
    page.fill("input[name=start]", "2026-11-30")
    page.fill("input[name=end]", "2026-12-01")
    page.click("#kpi-filter button")
    expect_day(page, HONCHO_DAY)
    expect_day(page, HONCHO_NEXT_DAY)
    expect(page.locator('#kpi-days tr[data-day="2026-11-30"] td').nth(3)).to_have_text("58.3分")  # 58.25
    summary = page.locator("#kpi-summary")
    expect(summary.locator('[data-kpi="cases_handled"] dd')).to_contain_text("5件")
    expect(summary.locator('[data-kpi="stay"] dd')).to_contain_text("50.2分")  # (76+19+78+60+18)/5
    expect(summary.locator('[data-kpi="wait"] dd')).to_contain_text("15.0分")
    expect(summary.locator('[data-kpi="after_work"] dd')).to_contain_text("36.0分")
    expect(summary.locator('[data-kpi="fields"] dd')).to_contain_text("85項目")
    move_in = page.locator('#kpi-procedures tr[data-procedure="tennyu_todoke"] td')
    expect(move_in).to_have_text(["住民異動届（転入届）", "2", "18.5分", "10.5分", "85.5分", "0"])
    expect(page.locator("svg.chart")).to_have_count(4)
    expect(page.locator("svg.chart").first).to_contain_text("熊本市 目標 79分")
    help_section = page.locator("#help")
    for cited in ("001_feffcfb24403babc.txt", "002_6a6b6617018f06ba.txt", "000_a627afc49531610d.txt"):
        expect(help_section).to_contain_text(cited)
    expect(help_section).to_contain_text("119分")
    page.screenshot(path=str(SCREENSHOT), full_page=True)


def _csv(raw: bytes, encoding: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(raw.decode(encoding), newline="")))


def test_the_csv_holds_the_same_figures_in_utf8_and_cp932(page: Page) -> None:
    log_in(page, "honcho_boss", PASSWORD)
    utf8 = page.request.get(f"/api/staff/kpi/csv?{PERIOD}&table=days&encoding=utf-8")
    assert utf8.status == 200
    assert utf8.headers["content-type"] == "text/csv; charset=utf-8"
    assert utf8.body().startswith(b"\xef\xbb\xbf")
    period = "2026-11-30/2026-12-01"
    rows = _csv(utf8.body(), "utf-8-sig")
    assert rows[0] == DAY_COLUMNS
    assert rows[1:3] == [day_row(HONCHO_DAY, period), day_row(HONCHO_NEXT_DAY, period)]
    assert rows[3][:4] == ["honcho", period, "6", "5"]
    cp932 = page.request.get(f"/api/staff/kpi/csv?{PERIOD}&table=days&encoding=cp932")
    assert cp932.headers["content-type"] == "text/csv; charset=Shift_JIS"
    assert _csv(cp932.body(), "cp932") == rows
    procedures = _csv(page.request.get(f"/api/staff/kpi/csv?{PERIOD}&table=procedures").body(), "utf-8-sig")
    assert procedures[0] == PROCEDURE_COLUMNS
    assert ["tennyu_todoke", "住民異動届（転入届）", "2", "18.5", "10.5", "85.5", "0"] in procedures


def test_a_clerk_and_another_offices_supervisor_are_refused(page: Page) -> None:
    log_in(page, "honcho_staff", PASSWORD)
    expect(page.locator("header nav")).not_to_contain_text("成果指標")
    response = page.goto(f"/staff/kpi?{PERIOD}")
    assert response is not None
    assert response.status == 403
    expect(page.locator(".error")).to_contain_text("監督者と管理者だけ")
    assert page.request.get(f"/api/staff/kpi/csv?{PERIOD}").status == 403
    page.context.clear_cookies()
    log_in(page, "kita_boss", PASSWORD)
    response = page.goto(f"/staff/kpi?{PERIOD}")
    assert response is not None
    assert response.status == 403
    assert page.request.get(f"/api/staff/kpi?{PERIOD}").status == 403


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("office=honcho&start=2026-12-02&end=2026-12-01", "開始日が終了日より後"),
        ("office=honcho&start=2026-01-01&end=2026-12-01", "92日以内"),
        ("office=honcho&start=30/11/2026", "開始日の形式"),
    ],
)
def test_a_bad_period_is_a_422_that_says_why(page: Page, query: str, message: str) -> None:
    log_in(page, "honcho_boss", PASSWORD)
    response = page.goto(f"/staff/kpi?{query}")
    assert response is not None
    assert response.status == 422
    expect(page.locator(".error")).to_contain_text(message)


def test_an_admin_sees_an_office_and_a_period_without_tickets_says_so(page: Page) -> None:
    log_in(page, "city_admin", PASSWORD)
    page.goto("/staff/kpi?office=kita&start=2026-11-30&end=2026-11-30")
    expect(page.locator('#kpi-summary [data-kpi="stay"] dd')).to_contain_text("16.0分")
    page.goto("/staff/kpi?office=kita&start=2026-12-01&end=2026-12-01")
    expect(page.locator("#kpi-empty")).to_contain_text("番号札はありません")
    expect(page.locator("#help")).to_be_visible()
