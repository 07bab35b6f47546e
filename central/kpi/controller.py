"""The supervisors' KPI dashboard (`/staff/kpi`), its CSV and JSON (`/api/staff/kpi...`), and the citizens'
rating form target (`POST /t/{token}/rating`).

The dashboard and its downloads are for supervisors and admins, for the offices they work at. The rating
endpoint is public (the status page's token is the only key), bounded and rate-limited per client address;
it answers 303 back to the status page, or a 4xx with nothing stored. Never logs a token.
"""

import asyncio
import io
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from litestar.exceptions import HTTPException
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.response import Redirect, Response

from central.accounts.auth import FORM_TYPES
from central.accounts.service import Staff
from central.errors import DomainError, ForbiddenError
from central.exports.csv_rows import Encoding
from central.kpi import charts, help_text
from central.kpi.figures import CITY_TIME, KpiReport, compute
from central.kpi.ratings import HIGHEST, LOWEST, Recorded, parse_score, record_rating
from central.kpi.source import load_inputs
from central.kpi.table import Table, number, period_label, write_table
from central.models import Role
from central.templates import render
from central.throttle import Throttle
from central.web import StaffController
from protocol.citizen_text import LANGUAGES
from protocol.queue import status_path

DEFAULT_DAYS = 7
MAX_DAYS = 92
"""About a quarter: the longest period one request computes (bounded work per request)."""
CHARSETS: dict[Encoding, str] = {"utf-8": "utf-8", "cp932": "Shift_JIS"}
RATING_BODY = 1024
RATINGS_PER_CLIENT = Throttle(limit=120, window=600.0)
"""Ratings one client address may post per 10 minutes: an office's guest Wi-Fi shares one address."""


class KpiQueryError(DomainError):
    """The office or period asked for cannot be shown."""

    status_code = 422


@dataclass(frozen=True, slots=True)
class KpiQuery:
    """One office and a period of city days, both ends included."""

    office: str
    first: date
    last: date

    @property
    def period(self) -> str:
        return period_label(self.first, self.last)


def _day(value: str | None, default: date, what: str) -> date:
    try:
        return date.fromisoformat(value) if value else default
    except ValueError as exc:
        raise KpiQueryError(f"{what}の形式が正しくありません（YYYY-MM-DD）") from exc


def kpi_query(
    staff: NamedDependency[Staff],
    office: FromQuery[str | None] = None,
    start: Annotated[str | None, QueryParameter(description="first city day, YYYY-MM-DD")] = None,
    end: Annotated[str | None, QueryParameter(description="last city day, YYYY-MM-DD (included)")] = None,
) -> KpiQuery:
    """The office and period from the query (default: the user's first office, the last seven days); 403
    for a clerk or another office, 422 for a bad period."""
    if staff.role not in (Role.SUPERVISOR, Role.ADMIN):
        raise ForbiddenError("成果指標（KPI）は監督者と管理者だけが見られます")
    chosen = office or min(staff.offices, default="")
    if not staff.may_see(chosen):
        raise ForbiddenError("この庁舎の成果指標は見られません")
    today = datetime.now(CITY_TIME).date()
    last = _day(end, today, "終了日")
    first = _day(start, last - timedelta(days=DEFAULT_DAYS - 1), "開始日")
    if first > last:
        raise KpiQueryError("開始日が終了日より後です")
    if (last - first).days >= MAX_DAYS:
        raise KpiQueryError(f"期間は{MAX_DAYS}日以内にしてください")
    return KpiQuery(chosen, first, last)


QUERY_DEPENDENCY = {"wanted": Provide(kpi_query, sync_to_thread=False)}


def _report(state: State, wanted: KpiQuery) -> KpiReport:
    return compute(load_inputs(state.engine, [wanted.office], wanted.first, wanted.last))


def _charts(report: KpiReport) -> dict[str, Any]:
    """The dashboard's charts: stay, wait and service per day, satisfaction per day, and per procedure."""
    days = [f"{row.day.month}/{row.day.day}" if row.day else "" for row in report.days]
    return {
        "stay": charts.columns(
            "窓口滞在時間（1件平均）",
            "分",
            days,
            [charts.Series("窓口滞在時間", [row.stay_minutes for row in report.days])],
            [charts.Reference(119, "熊本市 基準 119分"), charts.Reference(79, "熊本市 目標 79分")],
        ),
        "times": charts.columns(
            "待ち時間・対応時間（窓口1回あたり平均）",
            "分",
            days,
            [
                charts.Series("待ち時間", [row.wait_minutes for row in report.days]),
                charts.Series("対応時間", [row.service_minutes for row in report.days]),
            ],
        ),
        "satisfaction": charts.columns(
            "満足（8点以上）の割合",
            "%",
            days,
            [charts.Series("満足の割合", [row.satisfied_percent for row in report.days])],
            [charts.Reference(85, "熊本市 目標 85%")],
        ),
        "procedures": charts.rows(
            "手続ごとの待ち時間・対応時間・後処理時間（平均）",
            "分",
            [row.name for row in report.procedures],
            [
                charts.Series("待ち時間", [row.wait_minutes for row in report.procedures]),
                charts.Series("対応時間", [row.service_minutes for row in report.procedures]),
                charts.Series("後処理時間", [row.after_work_minutes for row in report.procedures]),
            ],
        ),
    }


class KpiPages(StaffController):
    """The dashboard and its downloads."""

    @get("/staff/kpi", sync_to_thread=True, dependencies=QUERY_DEPENDENCY)
    def dashboard(
        self, state: State, staff: NamedDependency[Staff], wanted: NamedDependency[KpiQuery]
    ) -> Response[str]:
        """The figures of one office over a period, with charts, tables and the definitions."""
        report = _report(state, wanted)
        return render(
            "staff/kpi.html",
            staff=staff,
            wanted=wanted,
            offices=sorted(staff.offices),
            report=report,
            period=report.offices[0] if report.offices else None,
            charts=_charts(report),
            help=help_text.DEFINITIONS,
            sources=help_text.SOURCES,
            max_days=MAX_DAYS,
            number=number,
        )

    @get("/api/staff/kpi", sync_to_thread=True, dependencies=QUERY_DEPENDENCY)
    def figures(self, state: State, wanted: NamedDependency[KpiQuery]) -> KpiReport:
        """The same figures as JSON: per day, for the period, per procedure."""
        return _report(state, wanted)

    @get("/api/staff/kpi/csv", sync_to_thread=True, dependencies=QUERY_DEPENDENCY)
    def download(
        self,
        state: State,
        wanted: NamedDependency[KpiQuery],
        table: FromQuery[Table] = "days",
        encoding: FromQuery[Encoding] = "utf-8",
    ) -> Response[bytes]:
        """The days (with the period's row) or the procedures as CSV, UTF-8 with a BOM or CP932."""
        out = io.BytesIO()
        write_table(_report(state, wanted), table, wanted.period, out, encoding)
        name = f"kpi-{table}-{wanted.office}-{wanted.first.isoformat()}-{wanted.last.isoformat()}.csv"
        return Response(
            out.getvalue(),
            media_type="text/csv",
            encoding=CHARSETS[encoding],
            headers={"content-disposition": f'attachment; filename="{name}"'},
        )


def _refuse(status: int, detail: str, **headers: str) -> HTTPException:
    return HTTPException(status_code=status, detail=detail, headers=headers or None)


class RatingController(Controller):
    """A citizen's 1-10 rating from the status page's form; no login, no personal data."""

    path = "/t"
    tags = ("citizen",)

    @post("/{token:str}/rating", request_max_body_size=RATING_BODY)
    async def rate(self, request: Request[Any, Any, State], state: State, token: FromPath[str]) -> Redirect:
        """Store the `score` (1-10) once per ticket; 303 back to the status page, in the form's `lang`.

        404 unknown token, 409 already rated, 415 not a form, 422 bad score, 429 too many from this address.
        """
        client = request.client.host if request.client else "-"
        if not RATINGS_PER_CLIENT.allow(client):
            retry = str(RATINGS_PER_CLIENT.retry_after(client))
            raise _refuse(429, "too many ratings from this address", **{"retry-after": retry})
        if request.content_type[0] not in FORM_TYPES:
            raise _refuse(415, "send the rating as a form")
        form = await request.form()
        raw = form.get("score")
        score = parse_score(raw if isinstance(raw, str) else None)
        if score is None:
            raise _refuse(422, f"score must be a whole number from {LOWEST} to {HIGHEST}")
        outcome = await asyncio.to_thread(record_rating, state.engine, token, score, datetime.now(UTC))
        if outcome is Recorded.UNKNOWN_TICKET:
            raise _refuse(404, "no such ticket")
        if outcome is Recorded.ALREADY_RATED:
            raise _refuse(409, "this ticket has been rated already")
        lang = form.get("lang")
        back = f"?lang={lang}" if isinstance(lang, str) and lang in LANGUAGES else ""
        return Redirect(status_path(token) + back, status_code=303)
