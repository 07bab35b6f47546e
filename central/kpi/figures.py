"""The KPI figures per office and city day, and per procedure, from the records (definitions: docs/kpi.md).

A case (or a walk-in ticket without one) belongs to the office and city day of its first ticket's issue.
    cases handled (利用件数): cases served at a desk at least once;
    stay (窓口滞在時間): first ticket issued → the case's last `done_at_counter`, per handled case;
    wait / service: per served counter visit (central/kpi/visits.py); per procedure, a visit counts for
        every procedure it handled (the procedures its events name less those staff marked not needed,
        else the case's needed procedures at that counter) with its whole wait and an even share of its
        service (as the queue's estimator splits it);
    after-work (後処理): end of the visit that handled a procedure → staff's approval of it (0 when approved
        at the desk); unapproved procedures are counted as pending, not averaged;
    fields prefilled (手書き削減): the citizen-written form fields the plan prefilled, per handled case;
    satisfaction: mean score 1-10, and the share of scores of 8 or more.
Means are over the pooled samples of the period, never means of daily means. Pure: no clock, no database.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import msgspec

from central.city_time import city_zone
from central.kpi.records import CaseProcedureRecord, KpiInputs, TicketEvent
from central.kpi.visits import TicketHistory, Visit, fold

CITY_TIME = city_zone()  # the one setting: MADOGUCHI_TIME_ZONE
SATISFIED_FROM = 8
"""A score from which a rating counts as satisfied (our threshold; the seeds do not define one)."""


class DayFigures(msgspec.Struct, frozen=True):
    """One office's figures for one city day (or, with `day` None, for the whole period)."""

    office_id: str
    day: date | None
    tickets: int
    cases_handled: int
    stay_minutes: float | None
    wait_minutes: float | None
    service_minutes: float | None
    after_work_minutes: float | None
    after_work_pending: int
    no_shows: int
    transfers: int
    fields_prefilled: int
    fields_prefilled_per_case: float | None
    ratings: int
    satisfaction: float | None
    satisfied_percent: float | None


class ProcedureFigures(msgspec.Struct, frozen=True):
    """One procedure over the period: visits that handled it, their mean wait and service, its after-work."""

    procedure_id: str
    name: str
    visits: int
    wait_minutes: float | None
    service_minutes: float | None
    after_work_minutes: float | None
    after_work_pending: int


class KpiReport(msgspec.Struct, frozen=True):
    """Figures per office and day (sorted), per office for the period, and per procedure for the period
    (the most handled first)."""

    days: list[DayFigures]
    offices: list[DayFigures]
    procedures: list[ProcedureFigures]


def _minutes(samples: list[timedelta]) -> float | None:
    return sum(sample.total_seconds() for sample in samples) / 60 / len(samples) if samples else None


def _mean(values: list[int]) -> float | None:
    return sum(values) / len(values) if values else None


@dataclass
class _Pool:
    """Samples of one group (an office's day, or its period)."""

    tickets: int = 0
    handled: int = 0
    stays: list[timedelta] = field(default_factory=list)
    waits: list[timedelta] = field(default_factory=list)
    services: list[timedelta] = field(default_factory=list)
    after: list[timedelta] = field(default_factory=list)
    pending: int = 0
    no_shows: int = 0
    transfers: int = 0
    prefilled: list[int] = field(default_factory=list)
    scores: list[int] = field(default_factory=list)

    def figures(self, office_id: str, day: date | None) -> DayFigures:
        satisfied = sum(1 for score in self.scores if score >= SATISFIED_FROM)
        return DayFigures(
            office_id=office_id,
            day=day,
            tickets=self.tickets,
            cases_handled=self.handled,
            stay_minutes=_minutes(self.stays),
            wait_minutes=_minutes(self.waits),
            service_minutes=_minutes(self.services),
            after_work_minutes=_minutes(self.after),
            after_work_pending=self.pending,
            no_shows=self.no_shows,
            transfers=self.transfers,
            fields_prefilled=sum(self.prefilled),
            fields_prefilled_per_case=_mean(self.prefilled),
            ratings=len(self.scores),
            satisfaction=_mean(self.scores),
            satisfied_percent=100 * satisfied / len(self.scores) if self.scores else None,
        )


@dataclass
class _ProcedurePool:
    name: str
    waits: list[timedelta] = field(default_factory=list)
    services: list[timedelta] = field(default_factory=list)
    after: list[timedelta] = field(default_factory=list)
    pending: int = 0

    def figures(self, procedure_id: str) -> ProcedureFigures:
        return ProcedureFigures(
            procedure_id=procedure_id,
            name=self.name,
            visits=len(self.waits),
            wait_minutes=_minutes(self.waits),
            service_minutes=_minutes(self.services),
            after_work_minutes=_minutes(self.after),
            after_work_pending=self.pending,
        )


@dataclass
class _Tally:
    """Every pool, filled case by case."""

    days: defaultdict[tuple[str, date], _Pool] = field(default_factory=lambda: defaultdict(_Pool))
    offices: defaultdict[str, _Pool] = field(default_factory=lambda: defaultdict(_Pool))
    procedures: dict[str, _ProcedurePool] = field(default_factory=dict)

    def pools(self, office_id: str, day: date) -> tuple[_Pool, _Pool]:
        return self.days[(office_id, day)], self.offices[office_id]

    def procedure(self, procedure_id: str, name: str) -> _ProcedurePool:
        return self.procedures.setdefault(procedure_id, _ProcedurePool(name))


def city_day(moment: datetime) -> date:
    """The city's calendar day of a moment."""
    return moment.astimezone(CITY_TIME).date()


def _visit_procedures(
    visit: Visit, at_counter: dict[str, list[CaseProcedureRecord]], not_needed: set[str]
) -> list[str]:
    """The procedures a visit handled: those its events named (the plan's at that counter) that staff did
    not mark not needed, else the case's needed ones at its counter."""
    if visit.procedures:
        return sorted(visit.procedures - not_needed)
    return [row.procedure_id for row in at_counter.get(visit.counter, []) if row.needed]


def _tally_visits(
    tally: _Tally, served: list[Visit], procedures: list[CaseProcedureRecord]
) -> dict[str, datetime]:
    """Add each served visit to the procedures it handled; returns when each procedure's last visit ended."""
    names = {row.procedure_id: row.name for row in procedures}
    at_counter: dict[str, list[CaseProcedureRecord]] = defaultdict(list)
    for row in procedures:
        at_counter[row.counter].append(row)
    not_needed = {row.procedure_id for row in procedures if not row.needed}
    finished_at: dict[str, datetime] = {}
    for visit in served:
        handled_here = _visit_procedures(visit, at_counter, not_needed)
        for procedure_id in handled_here:
            handled = tally.procedure(procedure_id, names.get(procedure_id, procedure_id))
            handled.waits.append(visit.wait)
            handled.services.append(visit.service / len(handled_here))
            if visit.finished_at is not None:
                earlier = finished_at.get(procedure_id, visit.finished_at)
                finished_at[procedure_id] = max(visit.finished_at, earlier)
    return finished_at


def _tally_after_work(
    tally: _Tally, procedures: list[CaseProcedureRecord], finished_at: dict[str, datetime]
) -> tuple[list[timedelta], int]:
    """Add the after-work of each needed procedure a visit handled; returns its samples and pending count."""
    after: list[timedelta] = []
    pending = 0
    for row in procedures:
        if not row.needed or row.procedure_id not in finished_at:
            continue
        approved = tally.procedure(row.procedure_id, row.name)
        if row.approved_at is None:
            pending += 1
            approved.pending += 1
        else:
            sample = max(timedelta(), row.approved_at - finished_at[row.procedure_id])
            after.append(sample)
            approved.after.append(sample)
    return after, pending


def _tally_case(
    tally: _Tally,
    tickets: list[TicketHistory],
    procedures: list[CaseProcedureRecord],
    prefilled: int | None,
    scores: list[int],
) -> None:
    """Add one case (all its tickets) to its office's day and period, and to its procedures."""
    first = min(tickets, key=lambda ticket: ticket.issued_at)
    served = [visit for ticket in tickets for visit in ticket.visits if visit.served]
    after, pending = _tally_after_work(tally, procedures, _tally_visits(tally, served, procedures))
    last_done = [ticket.last_done for ticket in tickets if ticket.last_done is not None]
    for pool in tally.pools(first.office_id, city_day(first.issued_at)):
        pool.tickets += len(tickets)
        pool.no_shows += sum(ticket.no_shows for ticket in tickets)
        pool.transfers += sum(ticket.transfers for ticket in tickets)
        pool.scores += scores
        if not served:
            continue
        pool.handled += 1
        pool.waits += [visit.wait for visit in served]
        pool.services += [visit.service for visit in served]
        pool.after += after
        pool.pending += pending
        pool.prefilled.append(prefilled or 0)
        if last_done:
            pool.stays.append(max(last_done) - first.issued_at)


def _histories(events: Iterable[TicketEvent]) -> list[TicketHistory]:
    by_ticket: defaultdict[str, list[TicketEvent]] = defaultdict(list)
    for event in events:
        by_ticket[event.ticket_id].append(event)
    folded = (fold(ticket_events) for ticket_events in by_ticket.values())
    return [history for history in folded if history is not None]


def compute(inputs: KpiInputs) -> KpiReport:
    """Every figure from the records of one period."""
    cases: defaultdict[str, list[TicketHistory]] = defaultdict(list)
    for history in _histories(inputs.events):
        cases[history.case_id or f"ticket:{history.ticket_id}"].append(history)
    procedures: defaultdict[str, list[CaseProcedureRecord]] = defaultdict(list)
    for row in inputs.procedures:
        procedures[row.case_id].append(row)
    prefilled = {case.case_id: case.fields_prefilled for case in inputs.cases}
    scores: defaultdict[str, list[int]] = defaultdict(list)
    for rating in inputs.ratings:
        scores[rating.ticket_id].append(rating.score)
    tally = _Tally()
    for key, tickets in cases.items():
        case_scores = [score for ticket in tickets for score in scores[ticket.ticket_id]]
        _tally_case(tally, tickets, procedures[key], prefilled.get(key), case_scores)
    return KpiReport(
        days=[pool.figures(office, day) for (office, day), pool in sorted(tally.days.items())],
        offices=[pool.figures(office, None) for office, pool in sorted(tally.offices.items())],
        procedures=sorted(
            (pool.figures(pid) for pid, pool in tally.procedures.items()),
            key=lambda row: (-row.visits, row.procedure_id),
        ),
    )
