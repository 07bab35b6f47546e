"""A scripted counter day at office honcho (and one ticket at kita), with every KPI worked out by hand.

Honcho's plans visit shimin (市民課) → hoken_nenkin (保険年金課, "hoken" below) → kodomo (こども家庭課).
Times are the city's (JST); the records hold them in UTC, as the database does.

  T1 case C1, three counters: issued 09:00; shimin called 09:10, serving 09:11, done 09:25 (wait 11, service
     14); moved to hoken; called 09:40, serving 09:42, done 09:52 (wait 17, service 10); moved to kodomo;
     called 10:00, serving 10:01, done 10:16 (wait 9, service 15); ended. Stay 76.
  T2 case C2, priority (pregnancy), issued 08:50 JST = 23:50 UTC the day before (still the 30th in the city):
     called 08:58, serving 08:59, done 09:09 (wait 9, service 10); ended. Stay 19.
  T3 case C3, a no-show: issued 09:02; called 09:20, no-show 09:22 (wait so far 20), back in the queue 09:30
     (8 min away: not wait), called 09:35, serving 09:36 (wait 20 + 6 = 26), done 09:50 (service 14); moved to
     hoken; called 10:05, serving 10:06, done 10:20 (wait 16, service 14); ended. Stay 78.
  T4 case C4, a transfer: issued at hoken 09:30; called 09:45, serving 09:46 (wait 16), transferred to kodomo
     09:50 (service 4; nothing of C4 is at hoken); called 10:10, serving 10:12 (wait 22), done 10:30 (service
     18); ended. Stay 60.
  T5 walk-in without a case: issued 10:00, called 10:20, no-show 10:22, ended 10:40. Never served.
  T6 case C6 at kita: issued 09:00, called 09:05, serving 09:06, done 09:16 (wait 6, service 10). Stay 16.
  T7 case C7 at honcho the next day (12-01): issued 09:00, called 09:08, serving 09:09, done 09:18 (wait 9,
     service 9). Stay 18.

Procedures (approval → after-work from the end of the visit that handled it; a visit's service is shared
evenly by the procedures it handled, its wait counts for each):
  C1 tennyu_todoke@shimin approved 11:16 (111), kokuho_kanyu@hoken 10:22 (30), jido_teate@kodomo not yet
     (pending), nenkin@hoken not needed; C2 juminhyo@shimin approved 09:05, before its service ended (0);
  C3 tennyu_todoke 10:50 (60) and juminhyo 09:56 (6), both at shimin in one visit, kokuho_kanyu 10:35 (15);
  C4 jido_teate 11:00 (30); C6 juminhyo 09:26 (10); C7 juminhyo not yet (pending).
Fields prefilled: C1 40, C2 5, C3 24, C4 11, C6 5, C7 5. Ratings: T1 9, T2 10, T3 6, T4 8, T5 3, T7 10.
"""

from datetime import UTC, date, datetime, timedelta, timezone

from central.kpi.records import (
    CaseProcedureRecord,
    CaseRecord,
    EventKind,
    KpiInputs,
    RatingRecord,
    TicketEvent,
)

JST = timezone(timedelta(hours=9))
DAY = date(2026, 11, 30)
NEXT_DAY = date(2026, 12, 1)
COUNTERS = ("shimin", "hoken_nenkin", "kodomo")
AT_COUNTER = {
    "shimin": ("tennyu_todoke", "juminhyo"),
    "hoken_nenkin": ("kokuho_kanyu", "nenkin"),
    "kodomo": ("jido_teate",),
}
NAMES = {
    "tennyu_todoke": "住民異動届（転入届）",
    "juminhyo": "住民票の写しの交付",
    "kokuho_kanyu": "国民健康保険の加入",
    "nenkin": "国民年金（第1号被保険者）の届出",
    "jido_teate": "児童手当の認定請求・額改定",
}


def at(clock: str, day: date = DAY) -> datetime:
    """A city time on the day, in UTC."""
    hours, minutes = (int(part) for part in clock.split(":"))
    return datetime(day.year, day.month, day.day, hours, minutes, tzinfo=JST).astimezone(UTC)


Step = tuple[str, EventKind, str | None]
"""(clock, kind, counter)."""

TICKETS: dict[str, tuple[str, str | None, date, list[Step]]] = {
    "T1": (
        "honcho",
        "C1",
        DAY,
        [
            ("09:00", "issued", "shimin"),
            ("09:10", "called", "shimin"),
            ("09:11", "serving", "shimin"),
            ("09:25", "done_at_counter", "shimin"),
            ("09:25", "moved", "hoken_nenkin"),
            ("09:40", "called", "hoken_nenkin"),
            ("09:42", "serving", "hoken_nenkin"),
            ("09:52", "done_at_counter", "hoken_nenkin"),
            ("09:52", "moved", "kodomo"),
            ("10:00", "called", "kodomo"),
            ("10:01", "serving", "kodomo"),
            ("10:16", "done_at_counter", "kodomo"),
            ("10:16", "ended", None),
        ],
    ),
    "T2": (
        "honcho",
        "C2",
        DAY,
        [
            ("08:50", "issued", "shimin"),
            ("08:58", "called", "shimin"),
            ("08:59", "serving", "shimin"),
            ("09:09", "done_at_counter", "shimin"),
            ("09:09", "ended", None),
        ],
    ),
    "T3": (
        "honcho",
        "C3",
        DAY,
        [
            ("09:02", "issued", "shimin"),
            ("09:20", "called", "shimin"),
            ("09:22", "no_show", "shimin"),
            ("09:30", "returned", "shimin"),
            ("09:35", "called", "shimin"),
            ("09:36", "serving", "shimin"),
            ("09:50", "done_at_counter", "shimin"),
            ("09:50", "moved", "hoken_nenkin"),
            ("10:05", "called", "hoken_nenkin"),
            ("10:06", "serving", "hoken_nenkin"),
            ("10:20", "done_at_counter", "hoken_nenkin"),
            ("10:20", "ended", None),
        ],
    ),
    "T4": (
        "honcho",
        "C4",
        DAY,
        [
            ("09:30", "issued", "hoken_nenkin"),
            ("09:45", "called", "hoken_nenkin"),
            ("09:46", "serving", "hoken_nenkin"),
            ("09:50", "transferred", "kodomo"),
            ("10:10", "called", "kodomo"),
            ("10:12", "serving", "kodomo"),
            ("10:30", "done_at_counter", "kodomo"),
            ("10:30", "ended", None),
        ],
    ),
    "T5": (
        "honcho",
        None,
        DAY,
        [
            ("10:00", "issued", "shimin"),
            ("10:20", "called", "shimin"),
            ("10:22", "no_show", "shimin"),
            ("10:40", "ended", None),
        ],
    ),
    "T6": (
        "kita",
        "C6",
        DAY,
        [
            ("09:00", "issued", "shimin"),
            ("09:05", "called", "shimin"),
            ("09:06", "serving", "shimin"),
            ("09:16", "done_at_counter", "shimin"),
            ("09:16", "ended", None),
        ],
    ),
    "T7": (
        "honcho",
        "C7",
        NEXT_DAY,
        [
            ("09:00", "issued", "shimin"),
            ("09:08", "called", "shimin"),
            ("09:09", "serving", "shimin"),
            ("09:18", "done_at_counter", "shimin"),
            ("09:18", "ended", None),
        ],
    ),
}
PROCEDURES: list[tuple[str, str, str, bool, str | None]] = [
    ("C1", "tennyu_todoke", "shimin", True, "11:16"),
    ("C1", "kokuho_kanyu", "hoken_nenkin", True, "10:22"),
    ("C1", "jido_teate", "kodomo", True, None),
    ("C1", "nenkin", "hoken_nenkin", False, None),
    ("C2", "juminhyo", "shimin", True, "09:05"),
    ("C3", "tennyu_todoke", "shimin", True, "10:50"),
    ("C3", "juminhyo", "shimin", True, "09:56"),
    ("C3", "kokuho_kanyu", "hoken_nenkin", True, "10:35"),
    ("C4", "jido_teate", "kodomo", True, "11:00"),
    ("C6", "juminhyo", "shimin", True, "09:26"),
    ("C7", "juminhyo", "shimin", True, None),
]
"""(case, procedure, counter, needed, approved at on the case's day)."""
PREFILLED = {"C1": 40, "C2": 5, "C3": 24, "C4": 11, "C6": 5, "C7": 5}
RATINGS = {"T1": 9, "T2": 10, "T3": 6, "T4": 8, "T5": 3, "T7": 10}
CASE_DAY = {"C7": NEXT_DAY}


def case_procedures(case_id: str) -> list[tuple[str, str, bool, str | None]]:
    """(procedure, counter, needed, approved at) of one case."""
    return [
        (pid, counter, needed, approved)
        for case, pid, counter, needed, approved in PROCEDURES
        if case == case_id
    ]


def procedures_at(case_id: str | None, counter: str | None) -> tuple[str, ...]:
    """What the queue writes on an event: the plan's procedure ids at the event's counter (a procedure staff
    later marked not needed, like C1's nenkin, is still among them)."""
    if case_id is None or counter is None:
        return ()
    return tuple(pid for pid, where, _, _ in case_procedures(case_id) if where == counter)


def events() -> list[TicketEvent]:
    """Every ticket's events, as the queue would have stored them."""
    return [
        TicketEvent(
            ticket_id=ticket,
            office_id=office,
            kind=kind,
            at=at(clock, day),
            counter=counter,
            case_id=case_id,
            procedures=procedures_at(case_id, counter),
        )
        for ticket, (office, case_id, day, steps) in TICKETS.items()
        for clock, kind, counter in steps
    ]


def inputs() -> KpiInputs:
    """The whole script as the computation's input."""
    return KpiInputs(
        events=events(),
        procedures=[
            CaseProcedureRecord(
                case_id=case,
                procedure_id=pid,
                name=NAMES[pid],
                counter=counter,
                needed=needed,
                approved_at=at(approved, CASE_DAY.get(case, DAY)) if approved else None,
            )
            for case, pid, counter, needed, approved in PROCEDURES
        ],
        cases=[CaseRecord(case_id, count) for case_id, count in PREFILLED.items()],
        ratings=[RatingRecord(ticket, score) for ticket, score in RATINGS.items()],
    )
