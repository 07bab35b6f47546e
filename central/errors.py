"""Central's domain errors and the one mapping from them to an HTTP answer: a status and a page, or JSON.

A service raises a `DomainError` subclass; every staff controller (central/web.py) turns it into its status
with a message that is safe to show staff — `/api/...` paths get JSON, pages the error page. A slice that
needs a new kind of refusal subclasses one of these; nothing else has to change. Messages never carry
personal data: the fixed message of the class, or a text the service wrote for staff.

Anything else that escapes a handler is a bug: `unexpected` (registered on the whole app) logs its type, where
it was raised and the route — never its message, which may quote personal data — and answers a generic 500.
"""

import logging
from typing import Any, ClassVar

from litestar import Request
from litestar.datastructures import State
from litestar.exceptions import NotAuthorizedException
from litestar.response import Redirect, Response

from central.accounts.auth import LOGIN_PATH
from central.background import where
from central.templates import render

log = logging.getLogger(__name__)


class DomainError(Exception):
    """A refusal central's services raise; its class says the HTTP status."""

    status_code: ClassVar[int] = 409
    message: ClassVar[str] = "この操作はできません"

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.message)


class NotFoundError(DomainError):
    """What was asked for does not exist (or not yet for staff)."""

    status_code = 404
    message = "見つかりません"


class ForbiddenError(DomainError):
    """It exists, but not for this user."""

    status_code = 403
    message = "この操作の権限がありません"


class ActionRefusedError(DomainError):
    """The action does not apply to this case or procedure; the message is safe to show staff."""


class CaseNotFoundError(NotFoundError):
    """No such case."""

    message = "案件が見つかりません"

    def __init__(self) -> None:
        super().__init__()


class CaseForbiddenError(ForbiddenError):
    """The case belongs to an office the user does not work at."""

    message = "他の庁舎の案件は開けません"

    def __init__(self) -> None:
        super().__init__()


def _is_api(request: Request[Any, Any, State]) -> bool:
    return request.url.path.startswith("/api/")


def refused(request: Request[Any, Any, State], exc: DomainError) -> Response[Any]:
    """The error's status with its message: JSON for the API, the staff error page otherwise."""
    status, message = exc.status_code, str(exc)
    if _is_api(request):
        return Response({"status_code": status, "detail": message}, status_code=status)
    return render("staff/error.html", status_code=status, message=message, staff=None)


def to_login(request: Request[Any, Any, State], exc: NotAuthorizedException) -> Response[Any]:
    """On staff pages, send an anonymous browser to the login page; the API answers 401."""
    if request.method == "GET" and not _is_api(request):
        return Redirect(f"{LOGIN_PATH}?next={request.url.path}")
    return Response({"status_code": 401, "detail": exc.detail}, status_code=401)


def unexpected(request: Request[Any, Any, State], exc: Exception) -> Response[Any]:
    """The last resort: log the bug without personal data, answer a generic 500."""
    route = request.scope.get("path_template", "?")
    log.error("unexpected %s at %s answering %s %s", type(exc).__name__, where(exc), request.method, route)
    message = "内部エラーが発生しました。システム担当者に連絡してください"
    if _is_api(request) or not request.url.path.startswith("/staff/"):
        return Response({"status_code": 500, "detail": "Internal Server Error"}, status_code=500)
    return render("staff/error.html", status_code=500, message=message, staff=None)


APP_ERROR_HANDLERS: dict[Any, Any] = {500: unexpected}
"""For the whole app: what no layer handles (Litestar hands every non-HTTP exception to the 500 handler)."""
ERROR_HANDLERS: dict[Any, Any] = {DomainError: refused, NotAuthorizedException: to_login}
"""Litestar finds a handler along the exception's MRO, so every DomainError subclass is covered."""
