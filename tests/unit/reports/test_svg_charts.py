"""Specification of the inline SVG chart helpers."""

from __future__ import annotations

import math

from tetra.reports.svg import LineSeries, area_chart, heatmap, line_chart


def percent(value: float) -> str:
    return f"{value * 100:.1f}%"


def test_line_chart_breaks_the_line_at_missing_values() -> None:
    svg = line_chart(
        [LineSeries("a", [1.0, 2.0, math.nan, 3.0, 4.0])],
        ["d1", "d2", "d3", "d4", "d5"],
        title="t",
        value_format=str,
    )

    path = svg.split('d="')[1].split('"')[0]
    assert path.count("M") == 2
    assert path.count("L") == 2


def test_line_chart_escapes_labels_and_title() -> None:
    svg = line_chart(
        [LineSeries("<a>", [1.0, 2.0]), LineSeries("b&c", [2.0, 1.0])],
        ["<x>", "y"],
        title="<t>",
        value_format=str,
    )

    assert "<t>" not in svg
    assert "<title>&lt;t&gt;</title>" in svg
    assert "&lt;a&gt;" in svg
    assert "b&amp;c" in svg


def test_flat_line_is_drawn_without_dividing_by_zero() -> None:
    svg = line_chart(
        [LineSeries("flat", [5.0, 5.0, 5.0])], ["a", "b", "c"], title="t", value_format=str
    )

    assert "nan" not in svg.lower()


def test_area_chart_closes_the_area_at_zero() -> None:
    svg = area_chart([0.0, -0.1, -0.05, 0.0], ["a", "b", "c", "d"], title="t", value_format=percent)

    assert 'class="area"' in svg
    assert 'Z"' in svg


def test_heatmap_shades_gains_green_losses_red_and_leaves_missing_cells_empty() -> None:
    svg = heatmap(
        [[0.05, -0.02, math.nan]], ["2024"], ["Jan", "Feb", "Mar"], title="t", value_format=percent
    )

    assert 'fill="rgb(22,163,74)" fill-opacity="0.90"' in svg
    assert 'fill="rgb(220,38,38)"' in svg
    assert svg.count('class="cell-empty"') == 1
    assert ">5.0%</text>" in svg
    assert ">-2.0%</text>" in svg
