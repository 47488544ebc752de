"""Small inline-SVG chart helpers: line, underwater area and heatmap.

Charts are strings of ``<svg>`` markup for embedding in an HTML page (no namespace URL
is needed there). They scale with their container through a viewBox, take colours from
CSS classes (``series-0``, ``series-1``, ``area``, ``axis``, ``grid``, ``label``) so the
page can restyle them for dark mode and print, and escape every text they draw.
NaN values leave gaps in lines and empty cells in heatmaps.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

ValueFormat = Callable[[float], str]

_LEFT, _RIGHT, _TOP, _BOTTOM = 64.0, 12.0, 16.0, 28.0
_HEATMAP_LABEL_WIDTH, _HEATMAP_CELL_HEIGHT = 48.0, 28.0
_POSITIVE_RGB, _NEGATIVE_RGB = "22,163,74", "220,38,38"


@dataclass(frozen=True, slots=True)
class LineSeries:
    """One line of a chart: its legend label and one value per x position."""

    label: str
    values: Sequence[float]


@dataclass(frozen=True, slots=True)
class _Frame:
    width: float
    height: float
    low: float
    high: float
    points: int

    def x(self, position: int) -> float:
        span = max(self.points - 1, 1)
        return _LEFT + (self.width - _LEFT - _RIGHT) * position / span

    def y(self, value: float) -> float:
        fraction = (value - self.low) / (self.high - self.low)
        return self.height - _BOTTOM - (self.height - _TOP - _BOTTOM) * fraction


def line_chart(
    series: Sequence[LineSeries],
    x_labels: Sequence[str],
    *,
    title: str,
    value_format: ValueFormat,
    width: float = 720.0,
    height: float = 280.0,
) -> str:
    """Draw lines over shared x positions, with y gridlines, x ticks and a legend."""
    frame = _frame([v for line in series for v in line.values], len(x_labels), width, height)
    paths = [
        f'<path class="line series-{index}" d="{_path_data(frame, line.values)}"/>'
        for index, line in enumerate(series)
    ]
    legend = _legend([line.label for line in series]) if len(series) > 1 else ""
    return _svg(title, frame, [*_axes(frame, x_labels, value_format), *paths, legend])


def area_chart(
    values: Sequence[float],
    x_labels: Sequence[str],
    *,
    title: str,
    value_format: ValueFormat,
    width: float = 720.0,
    height: float = 200.0,
) -> str:
    """Draw values as an area filled towards zero, as an underwater (drawdown) chart."""
    frame = _frame([*values, 0.0], len(x_labels), width, height)
    line = _path_data(frame, values)
    baseline = frame.y(0.0)
    area = f"M{frame.x(0):.1f},{baseline:.1f} {line.replace('M', 'L')} "
    area += f"L{frame.x(len(values) - 1):.1f},{baseline:.1f} Z"
    shapes = [f'<path class="area" d="{area}"/>', f'<path class="line series-0" d="{line}"/>']
    return _svg(title, frame, [*_axes(frame, x_labels, value_format), *shapes])


def heatmap(
    values: Sequence[Sequence[float]],
    row_labels: Sequence[str],
    column_labels: Sequence[str],
    *,
    title: str,
    value_format: ValueFormat,
    cell_width: float = 44.0,
) -> str:
    """Draw a table of values as cells shaded green (positive) or red (negative).

    Shade intensity is proportional to |value| over the largest |value| of the table.
    """
    width = _HEATMAP_LABEL_WIDTH + cell_width * len(column_labels)
    height = _HEATMAP_CELL_HEIGHT * (len(row_labels) + 1)
    finite = [abs(v) for row in values for v in row if math.isfinite(v)]
    scale = max(finite, default=0.0) or 1.0
    parts = [
        _text(_HEATMAP_LABEL_WIDTH + cell_width * (column + 0.5), 18.0, label, "middle")
        for column, label in enumerate(column_labels)
    ]
    for row, (label, row_values) in enumerate(zip(row_labels, values, strict=True)):
        top = _HEATMAP_CELL_HEIGHT * (row + 1)
        parts.append(_text(_HEATMAP_LABEL_WIDTH - 6.0, top + 18.0, label, "end"))
        for column, value in enumerate(row_values):
            left = _HEATMAP_LABEL_WIDTH + cell_width * column
            parts.append(_cell(left, top, cell_width, value, scale, value_format))
    return _svg_element(title, width, height, parts, "heatmap")


def _cell(
    left: float, top: float, width: float, value: float, scale: float, fmt: ValueFormat
) -> str:
    box = f'x="{left + 1:.1f}" y="{top + 1:.1f}" width="{width - 2:.1f}" height="26"'
    if not math.isfinite(value):
        return f'<rect class="cell-empty" {box}/>'
    rgb = _POSITIVE_RGB if value >= 0.0 else _NEGATIVE_RGB
    opacity = 0.15 + 0.75 * min(abs(value) / scale, 1.0)
    rect = f'<rect {box} fill="rgb({rgb})" fill-opacity="{opacity:.2f}"/>'
    return rect + _text(left + width / 2, top + 18.0, fmt(value), "middle", "cell-label")


def _frame(values: Sequence[float], points: int, width: float, height: float) -> _Frame:
    finite = [v for v in values if math.isfinite(v)]
    low, high = (min(finite), max(finite)) if finite else (0.0, 1.0)
    if high - low < 1e-12 * max(abs(low), abs(high), 1.0):
        half_span = abs(high) * 0.01 or 0.01  # a flat line sits mid-chart
        low, high = low - half_span, high + half_span
    pad = (high - low) * 0.05
    return _Frame(width, height, low - pad, high + pad, points)


def _path_data(frame: _Frame, values: Sequence[float]) -> str:
    commands: list[str] = []
    pen_down = False
    for position, value in enumerate(values):
        if not math.isfinite(value):
            pen_down = False
            continue
        command = "L" if pen_down else "M"
        commands.append(f"{command}{frame.x(position):.1f},{frame.y(value):.1f}")
        pen_down = True
    return " ".join(commands)


def _axes(frame: _Frame, x_labels: Sequence[str], value_format: ValueFormat) -> list[str]:
    parts = []
    for tick in _nice_ticks(frame.low, frame.high):
        y = frame.y(tick)
        parts.append(
            f'<line class="grid" x1="{_LEFT}" x2="{frame.width - _RIGHT}" '
            f'y1="{y:.1f}" y2="{y:.1f}"/>'
        )
        parts.append(_text(_LEFT - 6.0, y + 4.0, value_format(tick), "end"))
    for position in _x_tick_positions(len(x_labels)):
        anchor = "start" if position == 0 else "end" if position == len(x_labels) - 1 else "middle"
        parts.append(_text(frame.x(position), frame.height - 8.0, x_labels[position], anchor))
    return parts


def _nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    raw_step = (high - low) / count
    magnitude = 10.0 ** math.floor(math.log10(raw_step))
    step = next(m * magnitude for m in (1.0, 2.0, 2.5, 5.0, 10.0) if m * magnitude >= raw_step)
    first = math.ceil(low / step) * step
    return [first + i * step for i in range(int((high - first) / step) + 1)]


def _x_tick_positions(points: int, count: int = 5) -> list[int]:
    if points <= 1:
        return list(range(points))
    return sorted({round(i * (points - 1) / (count - 1)) for i in range(count)})


def _legend(labels: Sequence[str]) -> str:
    items = []
    for index, label in enumerate(labels):
        x = _LEFT + 8.0 + 150.0 * index
        items.append(f'<line class="line series-{index}" x1="{x}" x2="{x + 18}" y1="8" y2="8"/>')
        items.append(_text(x + 24.0, 12.0, label, "start"))
    return "".join(items)


def _text(x: float, y: float, text: str, anchor: str, css_class: str = "label") -> str:
    return (
        f'<text class="{css_class}" x="{x:.1f}" y="{y:.1f}" '
        f'text-anchor="{anchor}">{escape(text)}</text>'
    )


def _svg(title: str, frame: _Frame, parts: Sequence[str]) -> str:
    return _svg_element(title, frame.width, frame.height, parts, "chart")


def _svg_element(
    title: str, width: float, height: float, parts: Sequence[str], css_class: str
) -> str:
    return (
        f'<svg class="{css_class}" viewBox="0 0 {width:.0f} {height:.0f}" role="img" '
        f'preserveAspectRatio="xMidYMid meet"><title>{escape(title)}</title>'
        f"{''.join(parts)}</svg>"
    )
