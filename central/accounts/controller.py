"""Login and logout pages of the staff UI.

Failed logins are budgeted per client address (FAILURES_PER_CLIENT) on top of the per-account lock-out, so
one machine cannot guess passwords across many accounts; a client over its budget gets a 429 before any
password is checked. Successful logins spend nothing (an office behind one proxy logs in every morning).
"""

import asyncio
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.datastructures import Cookie, State
from litestar.di import NamedDependency
from litestar.exceptions import PermissionDeniedException
from litestar.params import QueryParameter, URLEncodedBody
from litestar.response import Redirect, Response

from central.accounts.auth import LOGIN_PATH, SESSION_COOKIE, STAFF_DEPENDENCY, STAFF_HEADERS, same_origin
from central.accounts.service import (
    SESSION_LIFETIME,
    LoginRefusedError,
    Staff,
    log_in,
    log_out,
)
from central.templates import render
from central.throttle import Throttle

HOME = "/staff/"
FAILURES_PER_CLIENT = Throttle(limit=30, window=900.0)
"""Failed logins one client address may make per 15 minutes (a few mistyping staff behind one proxy)."""


class LoginForm(msgspec.Struct):
    """The login form's fields."""

    name: str
    password: str
    next: str = HOME


def _safe_next(target: str) -> str:
    """Only ever redirect within the staff UI."""
    return target if target.startswith("/staff/") and not target.startswith("//") else HOME


class LoginController(Controller):
    """`/staff/login` and `/staff/logout`."""

    path = "/staff"
    tags = ("staff",)
    response_headers = STAFF_HEADERS
    include_in_schema = False

    @get("/login", sync_to_thread=False)
    def login_page(self, next_: Annotated[str, QueryParameter(name="next")] = HOME) -> Response[str]:
        """The login form."""
        return render("staff/login.html", next=_safe_next(next_), error=None)

    @post("/login")
    async def login(
        self,
        request: Request[Any, Any, State],
        data: URLEncodedBody[LoginForm],
        state: State,
    ) -> Response[Any]:
        """Check the password, set the session cookie and go to the inbox (or where the user was going)."""
        if not same_origin(request):
            raise PermissionDeniedException("他のサイトからのログインは受け付けません")
        client = request.client.host if request.client else "-"
        if wait := FAILURES_PER_CLIENT.retry_after(client):
            page = render(
                "staff/login.html",
                status_code=429,
                next=_safe_next(data.next),
                error="ログインの失敗が続いています。しばらくしてからやり直してください",
            )
            page.headers["retry-after"] = str(wait)
            return page
        try:
            token, _ = await asyncio.to_thread(log_in, state.engine, data.name, data.password, client)
        except LoginRefusedError as exc:
            FAILURES_PER_CLIENT.allow(client)
            return render(
                "staff/login.html",
                status_code=401,
                next=_safe_next(data.next),
                error=str(exc),
            )
        cookie = Cookie(
            key=SESSION_COOKIE,
            value=token,
            httponly=True,
            secure=request.url.scheme == "https" or state.settings.behind_tls,
            samesite="strict",
            path="/",
            max_age=int(SESSION_LIFETIME.total_seconds()),
        )
        return Redirect(_safe_next(data.next), status_code=303, cookies=[cookie])

    @post("/logout", dependencies=STAFF_DEPENDENCY)
    async def logout(self, request: Request[Any, Any, State], staff: NamedDependency[Staff]) -> Redirect:
        """End the session."""
        await asyncio.to_thread(log_out, request.app.state.engine, request.cookies[SESSION_COOKIE])
        response = Redirect(LOGIN_PATH, status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response
