"""The staff UI's Jinja environment: HTML-escaped templates in this folder, rendered into responses.

Its own environment rather than the app-wide template config, so other slices' pages stay independent.
Times are shown on the city's clock: `{{ moment|city }}` (or `|city(seconds=True)`); a corrected field by
its label: `{{ path|field_label }}`.
"""

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from litestar.response import Response

from central.cases.labels import field_label
from central.city_time import city_text

_env = Environment(
    loader=FileSystemLoader(Path(__file__).resolve().parent),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
_env.filters["city"] = city_text
_env.filters["field_label"] = field_label


def render(name: str, status_code: int = 200, **context: Any) -> Response[str]:
    """An HTML response from a template."""
    return Response(
        _env.get_template(name).render(**context),
        media_type="text/html",
        status_code=status_code,
    )
