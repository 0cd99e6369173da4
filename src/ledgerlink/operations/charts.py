"""Charts as inline SVG, drawn on the server: no script, no CDN, nothing inline that the CSP refuses.

Two shapes are all the dashboard needs: stacked bars per day (journals per status, Exact calls with the
day's limit as a line) and lines per day (posting latency). Colours come from CSS classes (``app.css``,
``chart-<series>``), never from inline styles. Every mark carries its figure as ``data-day``,
``data-series`` and ``data-value`` and says it in a ``<title>`` (a tooltip, and what a screen reader
reads), so the numbers on the page can be checked against the database.
See docs/adr/0019-dashboard-charts-as-server-side-svg.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.formats import date_format, number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import pgettext


def day_label(day: date) -> str:
    """A day on an axis, in the reader's language: "1 Nov" in English, "1 nov" in Dutch (a format string
    the catalogue translates, as Django's own formats are chosen per language)."""
    return date_format(day, pgettext("chart day (Django date format)", "j M"))


WIDTH, HEIGHT = 720, 220
LEFT, RIGHT, TOP, BOTTOM = 48, 8, 12, 40  # room for the value axis and the day labels


@dataclass(frozen=True)
class Series:
    key: str  # a word: the CSS class chart-<key> and data-series
    label: str  # in the reader's language
    values: Sequence[int | float | Decimal | None]  # one per day; None: nothing known that day


def _nice_top(peak: float) -> float:
    """The top of the value axis: 1, 2 or 5 times a power of ten, at or above the peak."""
    if peak <= 0:
        return 1.0
    step = 1.0
    while step * 10 <= peak:
        step *= 10
    for factor in (1, 2, 5, 10):
        if peak <= factor * step:
            return float(factor * step)
    return peak  # not reached


def _figure(value: float) -> str:
    return number_format(round(value, 1) if value % 1 else int(value), force_grouping=True)


def _frame(title: str, days: Sequence[date], top: float, unit: str, testid: str) -> list[str]:
    plot_h = HEIGHT - TOP - BOTTOM
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {WIDTH} {HEIGHT}" data-testid="{escape(testid)}" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    for share in (0, 0.5, 1):
        y = TOP + plot_h * (1 - share)
        parts.append(f'<line class="chart-grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}"/>')
        label = f"{_figure(top * share)}{(' ' + unit) if unit and share == 1 else ''}"
        parts.append(
            f'<text class="chart-axis" x="{LEFT - 4}" y="{y + 4:.1f}" text-anchor="end">{escape(label)}</text>'
        )
    slot = (WIDTH - LEFT - RIGHT) / max(len(days), 1)
    for i, day in enumerate(days):
        if i % 5 == 0 or i == len(days) - 1:
            x = LEFT + slot * (i + 0.5)
            parts.append(
                f'<text class="chart-axis" x="{x:.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle">'
                f"{escape(day_label(day))}</text>"
            )
    return parts


def _legend(series: Sequence[Series], extra: Sequence[tuple[str, str]] = ()) -> list[str]:
    parts = []
    x = LEFT
    for key, label in [(s.key, s.label) for s in series] + list(extra):
        parts.append(f'<rect class="chart-{escape(key)}" x="{x}" y="{HEIGHT - 14}" width="10" height="10"/>')
        parts.append(f'<text class="chart-legend" x="{x + 14}" y="{HEIGHT - 5}">{escape(label)}</text>')
        x += 24 + 7 * len(label)
    return parts


def stacked_bars(
    days: Sequence[date],
    series: Sequence[Series],
    *,
    title: str,
    testid: str,
    unit: str = "",
    limit: Sequence[int | None] | None = None,
    limit_label: str = "",
) -> SafeString:
    """One bar per day, its series stacked; ``limit`` draws the day's allowance as a short line over it."""
    totals = [sum(float(s.values[i] or 0) for s in series) for i in range(len(days))]
    peaks = totals + [float(v) for v in (limit or []) if v is not None]
    top = _nice_top(max(peaks, default=0))
    plot_h = HEIGHT - TOP - BOTTOM
    slot = (WIDTH - LEFT - RIGHT) / max(len(days), 1)
    parts = _frame(title, days, top, unit, testid)
    for i, day in enumerate(days):
        base = 0.0
        x = LEFT + slot * i + slot * 0.15
        for s in series:
            value = s.values[i]
            if not value:
                continue
            height = plot_h * float(value) / top
            y = TOP + plot_h - plot_h * base / top - height
            parts.append(
                f'<rect class="chart-{escape(s.key)}" x="{x:.1f}" y="{y:.1f}" width="{slot * 0.7:.1f}" '
                f'height="{height:.1f}" data-day="{day.isoformat()}" data-series="{escape(s.key)}" '
                f'data-value="{value}"><title>{escape(day_label(day))}: {escape(s.label)} '
                f"{escape(_figure(float(value)))}</title></rect>"
            )
            base += float(value)
        if limit is not None and limit[i] is not None:
            y = TOP + plot_h - plot_h * float(limit[i] or 0) / top
            parts.append(
                f'<line class="chart-limit" x1="{x - slot * 0.1:.1f}" x2="{x + slot * 0.8:.1f}" y1="{y:.1f}" '
                f'y2="{y:.1f}" data-day="{day.isoformat()}" data-series="limit" data-value="{limit[i]}">'
                f"<title>{escape(day_label(day))}: {escape(limit_label)} "
                f"{escape(_figure(float(limit[i] or 0)))}</title></line>"
            )
    parts += _legend(series, [("limit", limit_label)] if limit is not None else [])
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (every text above is escaped)


def lines(days: Sequence[date], series: Sequence[Series], *, title: str, testid: str, unit: str = "") -> SafeString:
    """One line per series through the days that have a value, a dot (with its figure) on each."""
    peak = max((float(v) for s in series for v in s.values if v is not None), default=0)
    top = _nice_top(peak)
    plot_h = HEIGHT - TOP - BOTTOM
    slot = (WIDTH - LEFT - RIGHT) / max(len(days), 1)
    parts = _frame(title, days, top, unit, testid)
    for s in series:
        points = []
        for i, day in enumerate(days):
            value = s.values[i]
            if value is None:
                continue
            x, y = LEFT + slot * (i + 0.5), TOP + plot_h - plot_h * float(value) / top
            points.append(f"{x:.1f},{y:.1f}")
            parts.append(
                f'<circle class="chart-{escape(s.key)}" cx="{x:.1f}" cy="{y:.1f}" r="3" data-day="{day.isoformat()}" '
                f'data-series="{escape(s.key)}" data-value="{value}"><title>{escape(day_label(day))}: '
                f"{escape(s.label)} {escape(_figure(float(value)))} {escape(unit)}</title></circle>"
            )
        if len(points) > 1:
            parts.append(f'<polyline class="chart-line chart-{escape(s.key)}" points="{" ".join(points)}"/>')
    parts += _legend(series)
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (every text above is escaped)
