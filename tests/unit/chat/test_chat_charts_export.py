"""Specification of chart suggestions and file exports of query results."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pandas as pd
import pytest

from tetra.chat.charts import ChartSpec, suggest_chart
from tetra.chat.export import MEDIA_TYPES, ExportWriter, export_frame

DAYS = pd.to_datetime(["2024-05-01", "2024-05-02", "2024-05-03"])
FORMULAS = [
    '=HYPERLINK("https://evil.example","click")',
    "+1+1",
    "-2+3",
    "@SUM(A1:A2)",
]


# --- suggest_chart ----------------------------------------------------------------------------


def test_time_and_numeric_columns_make_a_line_over_time() -> None:
    frame = pd.DataFrame({"day": DAYS, "close": [1.0, 2.0, 3.0], "volume": [10, 20, 30]})

    assert suggest_chart(frame) == ChartSpec("line", "day", ("close", "volume"))


def test_dates_as_python_objects_count_as_time() -> None:
    frame = pd.DataFrame({"date": [d.date() for d in DAYS], "value": [4.1, 4.2, 4.0]})

    assert suggest_chart(frame) == ChartSpec("line", "date", ("value",))


def test_decimal_values_count_as_numeric() -> None:
    frame = pd.DataFrame({"day": DAYS, "pnl": [Decimal("1.5"), Decimal(-2), Decimal("0.25")]})

    assert suggest_chart(frame) == ChartSpec("line", "day", ("pnl",))


def test_time_numeric_and_a_text_column_in_long_format_make_one_line_per_series() -> None:
    frame = pd.DataFrame(
        {
            "day": [*DAYS, *DAYS],
            "symbol": ["GLD"] * 3 + ["SLV"] * 3,
            "close": [180.0, 181.0, 182.0, 22.0, 22.5, 23.0],
        }
    )

    assert suggest_chart(frame) == ChartSpec("line", "day", ("close",), series="symbol")


def test_a_text_column_with_a_single_value_does_not_split_the_lines() -> None:
    frame = pd.DataFrame({"day": DAYS, "symbol": ["QQQ"] * 3, "close": [1.0, 2.0, 3.0]})

    assert suggest_chart(frame) == ChartSpec("line", "day", ("close",))


def test_a_json_column_decoded_to_lists_does_not_break_the_suggestion() -> None:
    frame = pd.DataFrame(
        {
            "published_at": DAYS,
            "symbols": [["AMZN"], ["MSFT"], ["AMZN", "MSFT"]],
            "score": [1.0, 2.0, 3.0],
        }
    )

    assert suggest_chart(frame) == ChartSpec("line", "published_at", ("score",))


def test_text_and_numeric_columns_make_a_bar_chart() -> None:
    frame = pd.DataFrame({"symbol": ["AAA", "BBB", "CCC"], "return_pct": [1.5, -2.0, 0.5]})

    assert suggest_chart(frame) == ChartSpec("bar", "symbol", ("return_pct",))


def test_returns_sharing_one_start_and_end_day_make_a_bar_chart_not_a_line() -> None:
    frame = pd.DataFrame(
        {
            "symbol": ["IONQ", "RTX", "KO"],
            "start_date": [dt.date(2025, 11, 28)] * 3,
            "end_date": [dt.date(2025, 12, 31)] * 3,
            "return_pct": [103.9, 56.9, 29.6],
        }
    )

    assert suggest_chart(frame) == ChartSpec("bar", "symbol", ("return_pct",))


def test_too_many_bars_make_no_chart() -> None:
    frame = pd.DataFrame({"symbol": [f"S{i}" for i in range(61)], "value": range(61)})

    assert suggest_chart(frame) is None


def test_two_numeric_columns_make_a_scatter() -> None:
    frame = pd.DataFrame({"volatility": [0.1, 0.2, 0.3], "return_pct": [1.0, 2.0, 1.5]})

    assert suggest_chart(frame) == ChartSpec("scatter", "volatility", ("return_pct",))


@pytest.mark.parametrize(
    "frame",
    [
        pd.DataFrame({"day": DAYS[:1], "close": [1.0]}),
        pd.DataFrame({"close": [1.0, 2.0, 3.0]}),
        pd.DataFrame({"day": DAYS}),
        pd.DataFrame({"symbol": ["A", "B"], "name": ["A Corp", "B Corp"]}),
        pd.DataFrame({"day": DAYS[:0], "close": []}),
    ],
    ids=["one row", "one numeric column", "one time column", "text only", "no rows"],
)
def test_results_a_table_shows_better_make_no_chart(frame: pd.DataFrame) -> None:
    assert suggest_chart(frame) is None


def test_a_suggested_chart_names_only_columns_of_the_result() -> None:
    frame = pd.DataFrame({"day": DAYS, "symbol": ["A", "B", "A"], "close": [1.0, 2.0, 3.0]})

    spec = suggest_chart(frame)

    assert spec is not None
    spec.check(list(frame.columns))


def test_chart_check_rejects_an_unknown_column() -> None:
    spec = ChartSpec("line", "day", ("close", "bogus"), series="ticker")

    with pytest.raises(ValueError, match=r"columns the result lacks: \['bogus', 'ticker'\]"):
        spec.check(["day", "close"])


def test_chart_check_accepts_a_spec_over_known_columns() -> None:
    ChartSpec("bar", "symbol", ("value",)).check(["symbol", "value"])


# --- export_frame -----------------------------------------------------------------------------


def workbook_rows(data: bytes) -> list[tuple[object, ...]]:
    sheet = openpyxl.load_workbook(io.BytesIO(data))["result"]
    return list(sheet.iter_rows(values_only=True))


def test_csv_export_round_trips_the_rows() -> None:
    frame = pd.DataFrame(
        {"symbol": ["AAA", "BBB"], "close": [101.25, 99.5], "volume": [1000, 2000]}
    )

    data = export_frame(frame, "csv")

    pd.testing.assert_frame_equal(pd.read_csv(io.BytesIO(data)), frame)


def test_csv_export_is_utf8_without_an_index() -> None:
    frame = pd.DataFrame({"publisher": ["Zürich Börse"], "score": [0.5]})

    data = export_frame(frame, "csv")

    assert data.decode("utf-8") == 'publisher,score\n"Zürich Börse",0.5\n'
    assert MEDIA_TYPES["csv"] == "text/csv; charset=utf-8"


def test_xlsx_export_opens_with_openpyxl_and_holds_the_header_and_rows() -> None:
    frame = pd.DataFrame({"symbol": ["AAA", "BBB"], "close": [101.25, 99.5], "volume": [1, 2]})

    rows = workbook_rows(export_frame(frame, "xlsx"))

    assert rows == [("symbol", "close", "volume"), ("AAA", 101.25, 1), ("BBB", 99.5, 2)]


def test_xlsx_export_writes_timezone_aware_timestamps_as_naive_utc() -> None:
    stamps = pd.to_datetime(["2024-05-01 12:00", "2024-05-02 09:30"]).tz_localize(
        "America/New_York"
    )
    frame = pd.DataFrame({"ts": stamps, "close": [1.0, 2.0]})

    rows = workbook_rows(export_frame(frame, "xlsx"))

    assert [r[0] for r in rows[1:]] == [
        dt.datetime(2024, 5, 1, 16, 0),
        dt.datetime(2024, 5, 2, 13, 30),
    ]


def test_xlsx_export_leaves_the_caller_frame_unchanged() -> None:
    stamps = pd.to_datetime(["2024-05-01 12:00"]).tz_localize("UTC")
    frame = pd.DataFrame({"ts": stamps, "title": ["=1+1"]})
    before = frame.copy()

    export_frame(frame, "xlsx")

    pd.testing.assert_frame_equal(frame, before)


@pytest.mark.parametrize("dtype", [None, "object"], ids=["inferred text dtype", "object dtype"])
def test_csv_export_prefixes_formula_cells_with_a_quote(dtype: str | None) -> None:
    frame = pd.DataFrame({"title": pd.Series([*FORMULAS, "plain"], dtype=dtype)})

    exported = pd.read_csv(io.BytesIO(export_frame(frame, "csv")))

    assert exported["title"].tolist() == [f"'{f}" for f in FORMULAS] + ["plain"]


@pytest.mark.parametrize("dtype", [None, "object"], ids=["inferred text dtype", "object dtype"])
def test_xlsx_export_keeps_formula_cells_as_quoted_text(dtype: str | None) -> None:
    frame = pd.DataFrame({"title": pd.Series([*FORMULAS, "plain"], dtype=dtype)})

    sheet = openpyxl.load_workbook(io.BytesIO(export_frame(frame, "xlsx")))["result"]

    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert [c.value for c in cells] == [f"'{f}" for f in FORMULAS] + ["plain"]
    assert {c.data_type for c in cells} == {"s"}


def test_export_leaves_numbers_and_text_that_starts_no_formula_alone() -> None:
    frame = pd.DataFrame({"change": [-1.5, 2.0], "note": ["down 1.5%", "a = b"]})

    exported = pd.read_csv(io.BytesIO(export_frame(frame, "csv")))

    assert exported["change"].tolist() == [-1.5, 2.0]
    assert exported["note"].tolist() == ["down 1.5%", "a = b"]


def test_export_writer_writes_the_header_once_over_several_batches() -> None:
    buffer = io.BytesIO()
    writer = ExportWriter(buffer, "csv")

    writer.add(pd.DataFrame({"n": [1, 2]}))
    writer.add(pd.DataFrame({"n": [3]}))
    writer.close()

    assert buffer.getvalue().decode("utf-8") == "n\n1\n2\n3\n"
    assert writer.rows == 3


def test_export_writer_of_an_empty_result_writes_the_header_only() -> None:
    buffer = io.BytesIO()
    writer = ExportWriter(buffer, "xlsx")

    writer.add(pd.DataFrame({"symbol": pd.Series([], dtype=object)}))
    writer.close()

    assert workbook_rows(buffer.getvalue()) == [("symbol",)]


def test_csv_export_writes_utc_timestamps_days_alone_and_columns_without_text() -> None:
    frame = pd.DataFrame(
        {
            "day": pd.to_datetime(["2024-05-01", "2024-05-02"]).tz_localize("UTC"),
            "at": pd.to_datetime(["2024-05-01 12:00", "2024-05-02 09:30"]).tz_localize(
                "America/New_York"
            ),
            "note": [None, None],
        }
    )

    text = export_frame(frame, "csv").decode("utf-8")

    assert text.splitlines() == [
        "day,at,note",
        "2024-05-01,2024-05-01 16:00:00,",
        "2024-05-02,2024-05-02 13:30:00,",
    ]


def test_sentiment_charts_the_average_score_per_method_not_the_article_count() -> None:
    frame = pd.DataFrame(
        {
            "symbol": ["NVDA", "NVDA", "AMD", "AMD"],
            "method": ["vader", "finance_lexicon", "vader", "finance_lexicon"],
            "articles": [120, 120, 80, 80],
            "average_score": [0.21, 0.05, -0.1, 0.02],
        }
    )

    assert suggest_chart(frame) == ChartSpec("bar", "symbol", ("average_score",), "method")


def test_lines_on_very_different_scales_are_rebased_and_say_so() -> None:
    days = pd.date_range("2024-01-01", periods=3)
    frame = pd.DataFrame({"date": days, "spy": [600.0, 606.0, 612.0], "btc": [9e4, 9.1e4, 8.9e4]})

    spec = suggest_chart(frame)

    assert spec is not None
    assert spec.rebase is True
    assert "Rebased to 100" in spec.title


def test_lines_on_one_scale_are_not_rebased() -> None:
    days = pd.date_range("2024-01-01", periods=3)
    frame = pd.DataFrame({"date": days, "dgs10": [4.1, 4.2, 4.0], "dgs2": [4.5, 4.4, 4.3]})

    spec = suggest_chart(frame)

    assert spec == ChartSpec("line", "date", ("dgs10", "dgs2"))
