"""Small bar charts as inline SVG, drawn on the server: nothing to download, nothing run in the browser.

Columns (one group per day) or rows (one group per procedure), one bar per series, with optional dashed
reference lines (the seeds' baselines and targets). Every text is escaped; the chart carries a title and
a description for screen readers, and the page shows the same numbers in a table.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

from markupsafe import Markup

from central.kpi.table import number

FONT = 12
WIDTH = 720
MAX_LABELS = 14
"""Axis labels a column chart shows at most (every bar keeps its own tooltip)."""
PALETTE = ("#124a7c", "#e08a00", "#2e7d32", "#8e24aa")
"""Blue, orange, green, purple: told apart also by their order in the legend."""


@dataclass(frozen=True, slots=True)
class Series:
    """One bar per group; None draws no bar (no data)."""

    name: str
    values: Sequence[float | None]


@dataclass(frozen=True, slots=True)
class Reference:
    """A dashed line across the chart at `value`, labelled."""

    value: float
    label: str


def _scale_top(values: Sequence[float | None], references: Sequence[Reference]) -> float:
    """A round top for the axis, above every bar and reference line."""
    highest = max(
        [value for value in values if value is not None] + [ref.value for ref in references] + [1.0]
    )
    magnitude = 10.0 ** math.floor(math.log10(highest))
    return next(step * magnitude for step in (1.0, 2.0, 2.5, 5.0, 10.0) if highest <= step * magnitude)


def _number(value: float) -> str:
    """A whole number as such, anything else as the tables round it."""
    return str(int(value)) if value == int(value) else number(value)


def _legend(series: Sequence[Series], y: float) -> list[str]:
    parts, x = [], 0.0
    for index, item in enumerate(series):
        colour = PALETTE[index % len(PALETTE)]
        parts.append(f'<rect x="{x:.0f}" y="{y - 10:.0f}" width="12" height="12" fill="{colour}"/>')
        parts.append(f'<text x="{x + 16:.0f}" y="{y:.0f}">{escape(item.name)}</text>')
        x += 24 + FONT * len(item.name)
    return parts


def _svg(title: str, description: str, height: float, body: list[str]) -> Markup:
    return Markup(  # noqa: S704 - every text inside went through escape()
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height:.0f}" role="img" '
        f'font-size="{FONT}" class="chart">'
        f"<title>{escape(title)}</title><desc>{escape(description)}</desc>{''.join(body)}</svg>"
    )


def columns(
    title: str,
    unit: str,
    labels: Sequence[str],
    series: Sequence[Series],
    references: Sequence[Reference] = (),
) -> Markup:
    """Vertical bars, one group per label (a day), with the axis in `unit`."""
    left, top, plot_height = 48.0, 28.0, 180.0
    plot_width = WIDTH - left - 150
    values = [value for item in series for value in item.values]
    top_value = _scale_top(values, references)
    group = plot_width / max(len(labels), 1)
    bar = min(28.0, group * 0.8 / max(len(series), 1))
    every = max(1, math.ceil(len(labels) / MAX_LABELS))

    body = _legend(series, 14)
    for tick in range(5):
        y = top + plot_height * (1 - tick / 4)
        body.append(f'<line x1="{left}" x2="{left + plot_width}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>')
        body.append(
            f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end">{_number(top_value * tick / 4)}</text>'
        )
    for index, label in enumerate(labels):
        x0 = left + group * index + (group - bar * len(series)) / 2
        for place, item in enumerate(series):
            value = item.values[index]
            if value is None:
                continue
            height = plot_height * value / top_value
            x = x0 + bar * place
            body.append(
                f'<rect x="{x:.1f}" y="{top + plot_height - height:.1f}" width="{bar - 2:.1f}" '
                f'height="{height:.1f}" fill="{PALETTE[place % len(PALETTE)]}">'
                f"<title>{escape(f'{label} {item.name} {_number(value)}{unit}')}</title></rect>"
            )
        if index % every == 0:
            centre, baseline = left + group * index + group / 2, top + plot_height + 16
            body.append(f'<text x="{centre:.1f}" y="{baseline}" text-anchor="middle">{escape(label)}</text>')
    body += _references(references, top_value, left, top, plot_width, plot_height)
    body.append(f'<text x="{left}" y="{top + plot_height + 34}" fill="#555">単位: {escape(unit)}</text>')
    return _svg(title, _describe(labels, series, unit), top + plot_height + 44, body)


def rows(title: str, unit: str, labels: Sequence[str], series: Sequence[Series]) -> Markup:
    """Horizontal bars, one group per label (a procedure, whose name may be long), in `unit`."""
    left, top = 230.0, 28.0
    plot_width = WIDTH - left - 60
    bar = 12.0
    group = bar * len(series) + 10
    top_value = _scale_top([value for item in series for value in item.values], ())
    body = _legend(series, 14)
    for index, label in enumerate(labels):
        y0 = top + group * index
        shown = label if len(label) <= 18 else label[:17] + "…"
        body.append(
            f'<text x="{left - 6}" y="{y0 + group / 2 + 2:.1f}" text-anchor="end">'
            f"<title>{escape(label)}</title>{escape(shown)}</text>"
        )
        for place, item in enumerate(series):
            value = item.values[index]
            if value is None:
                continue
            width = plot_width * value / top_value
            y = y0 + bar * place
            body.append(
                f'<rect x="{left}" y="{y:.1f}" width="{width:.1f}" height="{bar - 2}" '
                f'fill="{PALETTE[place % len(PALETTE)]}"><title>{escape(f"{label} {item.name}")}'
                f"{escape(f' {_number(value)}{unit}')}</title></rect>"
            )
            body.append(f'<text x="{left + width + 4:.1f}" y="{y + bar - 3:.1f}">{_number(value)}</text>')
    height = top + group * len(labels) + 24
    body.append(f'<text x="{left}" y="{height - 8:.0f}" fill="#555">単位: {escape(unit)}</text>')
    return _svg(title, _describe(labels, series, unit), height, body)


def _references(
    references: Sequence[Reference], top_value: float, left: float, top: float, width: float, height: float
) -> list[str]:
    parts = []
    for ref in references:
        y = top + height * (1 - ref.value / top_value)
        parts.append(
            f'<line x1="{left}" x2="{left + width}" y1="{y:.1f}" y2="{y:.1f}" stroke="#b00020" '
            'stroke-dasharray="6 4"/>'
        )
        parts.append(
            f'<text x="{left + width + 6}" y="{y + 4:.1f}" fill="#b00020">{escape(ref.label)}</text>'
        )
    return parts


def _describe(labels: Sequence[str], series: Sequence[Series], unit: str) -> str:
    """The chart's numbers as one sentence, for screen readers."""
    parts = []
    for item in series:
        shown = [
            f"{label} {_number(value)}{unit}"
            for label, value in zip(labels, item.values, strict=True)
            if value
        ]
        parts.append(f"{item.name}: {'、'.join(shown) or 'データなし'}")
    return "。".join(parts)
