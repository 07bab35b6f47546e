"""The `staff` dependency: who is logged in, and a CSRF check on every unsafe method.

Every case, form and export handler takes `staff: Staff`, so none can be reached anonymously. The CSRF token
is bound to the session (synchronizer token) and comes in the `X-CSRF-Token` header (htmx, API clients) or the
`csrf_token` form field (plain HTML forms). Never logs tokens.
"""

import asyncio
import hmac
from typing import Any
from urllib.parse import urlsplit

from litestar import Request
from litestar.datastructures import ResponseHeader, State
from litestar.di import Provide
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException

from central.accounts.service import Staff, staff_for
from central.models import Role

SESSION_COOKIE = "madoguchi_staff"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})
LOGIN_PATH = "/staff/login"


async def _sent_csrf(request: Request[Any, Any, State]) -> str:
    header = request.headers.get(CSRF_HEADER)
    if header:
        return header
    if request.content_type[0] in FORM_TYPES:
        value = (await request.form()).get(CSRF_FIELD)
        return value if isinstance(value, str) else ""
    return ""


async def current_staff(request: Request[Any, Any, State]) -> Staff:
    """The logged-in user; 401 without a live session, 403 for an unsafe method without the CSRF token."""
    token = request.cookies.get(SESSION_COOKIE)
    staff = await asyncio.to_thread(staff_for, request.app.state.engine, token) if token else None
    if staff is None:
        raise NotAuthorizedException("ログインしてください")
    if request.method in UNSAFE_METHODS and not hmac.compare_digest(
        (await _sent_csrf(request)).encode(), staff.csrf_token.encode()
    ):
        raise PermissionDeniedException("CSRFトークンがありません、または一致しません")
    return staff


STAFF_DEPENDENCY = {"staff": Provide(current_staff)}
STAFF_HEADERS = [
    ResponseHeader(name="cache-control", value="no-store"),
    ResponseHeader(
        name="content-security-policy",
        value="default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "frame-ancestors 'none'",
    ),
    ResponseHeader(name="x-content-type-options", value="nosniff"),
    ResponseHeader(name="referrer-policy", value="same-origin"),
]
"""On every staff response: personal data is never cached, framed or sent elsewhere in a Referer."""


def same_origin(request: Request[Any, Any, State]) -> bool:
    """False when the browser says the request comes from another site (login CSRF).

    Compares hosts only, so a TLS-terminating proxy that keeps the Host header still matches.
    """
    origin = request.headers.get("origin")
    return origin is None or urlsplit(origin).netloc == request.headers.get("host")


def need_role(staff: Staff, *roles: Role) -> None:
    """403 unless the user has one of these roles."""
    if staff.role not in roles:
        raise PermissionDeniedException("この操作の権限がありません")
