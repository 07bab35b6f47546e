"""Every KPI of the scripted day (tests/kpi/scripted_day.py) equals the figure worked out by hand there."""

import msgspec
import pytest

from central.kpi.figures import DayFigures, ProcedureFigures, compute
from central.kpi.records import KpiInputs, TicketEvent
from tests.kpi import scripted_day
from tests.kpi.scripted_day import DAY, NEXT_DAY, at

HONCHO_DAY = DayFigures(
    office_id="honcho",
    day=DAY,
    tickets=5,  # T1-T5 (T2 issued 23:50 UTC on the 29th is the 30th in the city)
    cases_handled=4,  # C1-C4; the walk-in T5 was never served
    stay_minutes=(76 + 19 + 78 + 60) / 4,  # 58.25
    wait_minutes=(11 + 17 + 9 + 9 + 26 + 16 + 16 + 22) / 8,  # 8 served visits: 15.75
    service_minutes=(14 + 10 + 15 + 10 + 14 + 14 + 4 + 18) / 8,  # 12.375
    after_work_minutes=(111 + 30 + 0 + 60 + 6 + 15 + 30) / 7,  # 36.0; C1's child allowance pending
    after_work_pending=1,
    no_shows=2,  # T3, T5
    transfers=1,  # T4
    fields_prefilled=40 + 5 + 24 + 11,
    fields_prefilled_per_case=80 / 4,
    ratings=5,
    satisfaction=(9 + 10 + 6 + 8 + 3) / 5,  # 7.2
    satisfied_percent=60.0,  # 9, 10, 8 of five
)
HONCHO_NEXT_DAY = DayFigures(
    office_id="honcho",
    day=NEXT_DAY,
    tickets=1,
    cases_handled=1,
    stay_minutes=18.0,
    wait_minutes=9.0,
    service_minutes=9.0,
    after_work_minutes=None,  # C7 not approved yet
    after_work_pending=1,
    no_shows=0,
    transfers=0,
    fields_prefilled=5,
    fields_prefilled_per_case=5.0,
    ratings=1,
    satisfaction=10.0,
    satisfied_percent=100.0,
)
KITA_DAY = DayFigures(
    office_id="kita",
    day=DAY,
    tickets=1,
    cases_handled=1,
    stay_minutes=16.0,
    wait_minutes=6.0,
    service_minutes=10.0,
    after_work_minutes=10.0,
    after_work_pending=0,
    no_shows=0,
    transfers=0,
    fields_prefilled=5,
    fields_prefilled_per_case=5.0,
    ratings=0,
    satisfaction=None,
    satisfied_percent=None,
)


def test_every_figure_per_office_and_day() -> None:
    report = compute(scripted_day.inputs())
    assert report.days == [HONCHO_DAY, HONCHO_NEXT_DAY, KITA_DAY]


def test_the_period_pools_samples_rather_than_averaging_days() -> None:
    honcho, kita = compute(scripted_day.inputs()).offices
    assert (honcho.office_id, honcho.day) == ("honcho", None)
    assert (honcho.tickets, honcho.cases_handled) == (6, 5)
    assert honcho.stay_minutes == (76 + 19 + 78 + 60 + 18) / 5  # 50.2
    assert honcho.wait_minutes == (126 + 9) / 9  # 15.0
    assert honcho.service_minutes == (99 + 9) / 9  # 12.0
    assert honcho.after_work_minutes == 36.0
    assert honcho.after_work_pending == 2
    assert honcho.fields_prefilled_per_case == 85 / 5
    assert honcho.satisfaction == pytest.approx(46 / 6)
    assert honcho.satisfied_percent == pytest.approx(400 / 6)
    assert kita == msgspec.structs.replace(KITA_DAY, day=None)


def test_wait_service_and_after_work_per_procedure() -> None:
    by_id = {row.procedure_id: row for row in compute(scripted_day.inputs()).procedures}
    assert set(by_id) == {"tennyu_todoke", "kokuho_kanyu", "jido_teate", "juminhyo"}  # nenkin was not needed
    assert by_id["tennyu_todoke"] == ProcedureFigures(
        "tennyu_todoke", "住民異動届（転入届）", 2, (11 + 26) / 2, (14 + 7) / 2, (111 + 60) / 2, 0
    )
    assert by_id["kokuho_kanyu"] == ProcedureFigures(
        "kokuho_kanyu", "国民健康保険の加入", 2, (17 + 16) / 2, (10 + 14) / 2, 22.5, 0
    )
    assert by_id["jido_teate"] == ProcedureFigures(
        "jido_teate", "児童手当の認定請求・額改定", 2, (9 + 22) / 2, (15 + 18) / 2, 30.0, 1
    )
    juminhyo = by_id["juminhyo"]  # C2, C3 (half of a visit's 14 min), C6 (kita), C7 (the next day)
    assert juminhyo.visits == 4
    assert juminhyo.wait_minutes == (9 + 26 + 6 + 9) / 4
    assert juminhyo.service_minutes == (10 + 7 + 10 + 9) / 4
    assert juminhyo.after_work_minutes == pytest.approx((0 + 6 + 10) / 3)
    assert juminhyo.after_work_pending == 1


def test_a_ticket_without_an_issue_and_an_unserved_case_count_for_nothing() -> None:
    stray = TicketEvent("X", "honcho", "called", at("11:00"), "shimin", "CX")
    unserved = [
        TicketEvent("Y", "honcho", "issued", at("11:00"), "shimin", "CY"),
        TicketEvent("Y", "honcho", "ended", at("11:30"), None, "CY"),
    ]
    report = compute(KpiInputs(events=[stray, *unserved]))
    (day,) = report.days
    assert (day.tickets, day.cases_handled, day.stay_minutes, day.wait_minutes) == (1, 0, None, None)
    assert report.procedures == []
