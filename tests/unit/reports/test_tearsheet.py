"""Specification of the self-contained HTML tearsheet."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import numpy as np
import pandas as pd
import pytest

from tetra.reports import compute_metrics, render_tearsheet
from tetra.reports.metrics import TRADE_COLUMNS

VOID_ELEMENTS = {"meta", "link", "br", "img", "input", "hr", "col", "wbr", "source"}


class StrictParser(HTMLParser):
    """Collect tags and fail on any unbalanced element."""

    def __init__(self) -> None:
        super().__init__()
        self.open_tags: list[str] = []
        self.tag_counts: dict[str, int] = {}
        self.doctype_count = 0

    def handle_decl(self, decl: str) -> None:
        self.doctype_count += decl.lower().startswith("doctype")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tag_counts[tag] = self.tag_counts.get(tag, 0) + 1
        if tag not in VOID_ELEMENTS:
            self.open_tags.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tag_counts[tag] = self.tag_counts.get(tag, 0) + 1

    def handle_endtag(self, tag: str) -> None:
        assert self.open_tags, f"</{tag}> closes nothing"
        assert self.open_tags.pop() == tag, f"</{tag}> closes the wrong element"


def sample_backtest(trade_count: int = 3) -> tuple[pd.Series[float], pd.DataFrame]:
    rng = np.random.default_rng(5)
    index = pd.date_range("2023-10-02", periods=200, freq="B", tz="UTC")
    equity = pd.Series(10_000 * np.cumprod(1 + rng.normal(0.0005, 0.01, 200)), index=index)
    trades = pd.DataFrame(
        {
            "symbol": ["SPY"] * trade_count,
            "side": ["long", "short"] * (trade_count // 2) + ["long"] * (trade_count % 2),
            "quantity": np.full(trade_count, 10.0),
            "entry_ts": pd.date_range("2023-10-02", periods=trade_count, freq="h", tz="UTC"),
            "entry_price": np.full(trade_count, 400.0),
            "exit_ts": pd.date_range("2023-10-03", periods=trade_count, freq="h", tz="UTC"),
            "exit_price": np.full(trade_count, 404.0),
            "pnl": rng.normal(5, 20, trade_count),
            "fees": np.full(trade_count, 0.5),
            "return_pct": rng.normal(0.01, 0.02, trade_count),
        }
    )
    return equity, trades


def render(title: str = "Pair SPY/QQQ", **options: object) -> str:
    equity, trades = sample_backtest()
    metrics = compute_metrics(equity, trades)
    return render_tearsheet(title, equity, trades, metrics, **options)  # type: ignore[arg-type]


def parse(html: str) -> StrictParser:
    parser = StrictParser()
    parser.feed(html)
    parser.close()
    return parser


def test_tearsheet_is_one_well_formed_html_document() -> None:
    parser = parse(render())

    assert parser.doctype_count == 1
    assert parser.tag_counts["html"] == 1
    assert parser.tag_counts["body"] == 1
    assert parser.open_tags == []


def test_tearsheet_loads_nothing_from_the_network() -> None:
    html = render(benchmark=sample_backtest()[0] * 0.04)

    assert not re.search(r"https?:", html)
    assert not re.search(r"<(script|link|img|iframe)\b", html)
    assert "url(" not in html


def test_tearsheet_draws_equity_drawdown_and_monthly_heatmap_svgs() -> None:
    html = render()

    assert html.count("<svg") == 3
    assert "<title>Equity curve</title>" in html
    assert "<title>Drawdown (underwater) chart</title>" in html
    assert "<title>Monthly returns (%)</title>" in html
    for month in ("Jan", "Dec", "Year"):
        assert f">{month}</text>" in html


def test_title_with_a_script_tag_is_escaped() -> None:
    html = render(title='<script>alert("x")</script>')

    assert "<script>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


def test_page_is_responsive_and_follows_the_dark_mode_preference() -> None:
    html = render()

    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert "prefers-color-scheme: dark" in html
    assert "@media print" in html


def test_source_label_is_shown_as_a_banner() -> None:
    html = render(source_label="SAMPLE DATA (synthetic) <b>")

    assert '<p class="banner">SAMPLE DATA (synthetic) &lt;b&gt;</p>' in html


def test_benchmark_is_drawn_as_a_second_line_with_a_legend() -> None:
    equity, _ = sample_backtest()

    html = render(benchmark=equity.iloc[20:] * 0.03)

    assert 'class="line series-1"' in html
    assert ">Benchmark</text>" in html


def test_benchmark_given_as_returns_is_rejected() -> None:
    equity, _ = sample_backtest()

    with pytest.raises(ValueError, match="levels"):
        render(benchmark=equity.pct_change().dropna())


def test_metrics_table_shows_formatted_values() -> None:
    equity, trades = sample_backtest()
    metrics = compute_metrics(equity, trades)

    html = render_tearsheet("t", equity, trades, metrics)

    assert f"{metrics.total_return * 100:.2f}%" in html
    assert "Sharpe ratio" in html
    assert "Max drawdown duration (bars)" in html


def test_trades_table_shows_the_first_200_trades_with_a_count() -> None:
    equity, trades = sample_backtest(trade_count=250)
    metrics = compute_metrics(equity, trades)

    html = render_tearsheet("t", equity, trades, metrics)

    assert (
        "250 trades: 250 closed, 0 open (marked at the last close). Showing the first 200." in html
    )
    trades_table = html[html.index('<table class="trades">') :]
    assert trades_table.count("<tr>") == 201
    for column in TRADE_COLUMNS:
        assert f'<th scope="col">{column}</th>' in trades_table


def test_tearsheet_without_trades_says_so() -> None:
    equity, _ = sample_backtest()

    html = render_tearsheet("t", equity, None, compute_metrics(equity))

    assert "No trades." in html
    parse(html)


def test_empty_equity_curve_is_rejected() -> None:
    equity, _ = sample_backtest()

    with pytest.raises(ValueError, match="at least one"):
        render_tearsheet("t", equity.iloc[0:0], None, compute_metrics(equity))
