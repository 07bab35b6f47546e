"""What the public pages share: their templates, security headers and the office id check."""

import re
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from litestar import Response
from litestar.enums import MediaType
from litestar.exceptions import NotFoundException

from central.accounts.auth import STAFF_HEADERS

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
PUBLIC_HEADERS = STAFF_HEADERS
"""No caching, no framing, scripts only from central itself: the staff side's headers suit public pages."""
_OFFICE = re.compile(r"[A-Za-z0-9_-]{1,40}")

_environment = Environment(
    loader=FileSystemLoader(HERE / "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def page(template: str, **context: Any) -> Response[str]:
    """A rendered template as an HTML response."""
    html = _environment.get_template(template).render(**context)
    return Response(html, media_type=MediaType.HTML)


def office(office_id: str) -> str:
    """The office id from a URL, or 404 when it cannot be one."""
    if not _OFFICE.fullmatch(office_id):
        raise NotFoundException("no such office")
    return office_id
