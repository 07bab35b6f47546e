"""`/staff/interview`: staff interview mode pages (ask, type, plan, record)."""

import asyncio
from typing import Any

from litestar import Request, get, post
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.response import Redirect, Response

from central.accounts.service import Staff
from central.cases.interview import MAX_MEMBERS, FormValues, next_round, record_interview
from central.errors import ActionRefusedError
from central.templates import render
from central.web import StaffController

LIFE_EVENTS = {
    "move_in": "転入",
    "move_within": "転居（市内）",
    "move_out": "転出",
    "birth": "出生",
    "death": "死亡",
    "marriage": "婚姻",
    "divorce": "離婚",
    "certificates": "証明書のみ",
}


class InterviewPages(StaffController):
    """Run the navigator for a citizen at the counter."""

    path = "/staff/interview"

    def _page(
        self, state: State, staff: Staff, form: FormValues, questions: list[Any], error: str = ""
    ) -> Response[str]:
        """The interview page, filled in with what was typed so far (422 when `error` says what is wrong)."""
        relations = {
            key: relation.label["ja"] for key, relation in state.staff_planner.catalog.relations.items()
        }
        return render(
            "staff/interview.html",
            status_code=422 if error else 200,
            staff=staff,
            form={name: values[0] for name, values in form.items() if values},
            answered={name: list(values) for name, values in form.items() if name.startswith("q.")},
            questions=questions,
            events=LIFE_EVENTS,
            relations=relations,
            members=range(MAX_MEMBERS),
            error=error,
        )

    @get("/", sync_to_thread=False)
    def start(self, state: State, staff: NamedDependency[Staff]) -> Response[str]:
        """An empty interview."""
        return self._page(state, staff, {}, [])

    @post("/")
    async def answer(
        self, request: Request[Any, Any, State], state: State, staff: NamedDependency[Staff]
    ) -> Response[Any]:
        """Take the page's facts and answers; ask what is still open, or record the case."""
        raw = await request.form()
        form = {name: [str(value) for value in raw.getall(name)] for name in raw}
        try:
            round_ = await asyncio.to_thread(next_round, form, state.staff_planner)
        except ActionRefusedError as exc:  # keep what was typed and say what is wrong
            return self._page(state, staff, form, [], error=str(exc))
        if round_.questions:
            return self._page(state, staff, form, round_.questions)
        office = form.get("office", [""])[0]
        case_id = await asyncio.to_thread(
            record_interview, state.engine, state.staff_planner, staff, office, round_.facts
        )
        return Redirect(f"/staff/cases/{case_id}", status_code=303)
