from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from cycle_fixtures import context, crossover_book, sessions

from tetra.core.errors import ValidationError
from tetra.cycle import read_recommendations, read_run, run_cycle
from tetra.portfolio import parse_book
from tetra.portfolio.book import book_from_dict

# SPY falls, then crosses up on the last day (2-day average 15 > 4-day 12.5 after 10 < 10.5);
# QQQ rises steadily: its cross happened long ago, so the sleeve already holds it.
SPY = [12, 12, 12, 12, 11, 10, 10, 10, 10, 20]
QQQ = [10, 10, 10, 10, 10, 11, 12, 13, 14, 15]


def test_a_cross_up_on_the_session_recommends_a_buy_with_its_reasoning() -> None:
    ctx = context({"SPY": SPY, "QQQ": QQQ}, crossover_book())

    result = run_cycle(ctx, "swing")

    assert result.session == sessions(10)[-1]
    by_symbol = {r.symbol: r for r in result.recommendations}
    aaa = by_symbol["SPY"]
    assert aaa.quantity == Decimal(250)  # 5,000 of value at the close of 20
    assert aaa.price == Decimal(20)
    reason = aaa.reasoning[0]
    assert reason["rule"] == "entry signal: value order of 5000"
    assert reason["decision"] == {"size": 5000.0, "size_kind": "value", "order_kind": "market"}
    fast, slow, spread = reason["indicators"]
    assert (fast["value"], slow["value"]) == (15.0, 12.5)
    assert spread["value"] == pytest.approx(0.2)
    assert spread["percentile"] == 100.0
    assert reason["track_record"] == {  # SPY never crossed before: no record yet
        "signals": 0,
        "trades": 0,
        "hit_rate": None,
        "average_gain": None,
        "average_loss": None,
    }
    # QQQ: no signal today, the sleeve holds what it bought on its cross
    assert by_symbol["QQQ"].reasoning[0]["rule"].startswith("no new signal today")


def test_a_run_is_recorded_once_per_book_and_session() -> None:
    ctx = context({"SPY": SPY, "QQQ": QQQ}, crossover_book())

    first = run_cycle(ctx, "swing")
    again = run_cycle(ctx, "swing")

    assert again.recommendations == first.recommendations
    stored = read_recommendations(ctx.store, "swing", first.session)
    assert [r.symbol for r in stored] == [r.symbol for r in first.recommendations]
    run = read_run(ctx.store, "swing", first.session)
    assert run is not None
    assert run.status == "done"
    assert run.equity == Decimal(10_000)


def test_a_paper_book_fills_yesterdays_recommendations_at_todays_open() -> None:
    ctx = context({"SPY": [*SPY, 21], "QQQ": [*QQQ, 16]}, crossover_book("paper"))
    days = sessions(11)
    yesterday = run_cycle(ctx, "swing", days[-2])

    today = run_cycle(ctx, "swing", days[-1])

    bought = {f.symbol: f for f in today.fills}
    assert bought["SPY"].quantity == Decimal(250)
    assert bought["SPY"].price == Decimal(20)  # today's open = yesterday's close here
    assert bought["SPY"].fee == Decimal("0.5")  # 1 bp of 5,000
    assert bought["SPY"].decision_price == Decimal(20)
    assert {r.symbol for r in yesterday.recommendations} == set(bought)
    assert not [r for r in today.recommendations if r.symbol == "SPY"]  # now at target
    value = today.valuation
    assert value.equity == value.cash + value.market_value
    assert value.equity == Decimal(10_000) + value.realised + value.unrealised - value.fees


def test_unknown_strategy_symbol_or_session_is_a_clear_error() -> None:
    bad_strategy = parse_book(
        "odd",
        {"capital": 1000, "symbols": ["SPY"], "strategies": [{"strategy": "astrology"}]},
    )
    ctx = context({"SPY": SPY}, bad_strategy, crossover_book())

    with pytest.raises(ValidationError, match="unknown strategy 'astrology'"):
        run_cycle(ctx, "odd")
    with pytest.raises(ValidationError, match="no book named 'nobody'"):
        run_cycle(ctx, "nobody")
    with pytest.raises(ValidationError, match="QQQ"):
        run_cycle(ctx, "swing")
    saturday = dt.date(2024, 1, 13)
    ctx2 = context({"SPY": SPY, "QQQ": QQQ}, crossover_book())
    with pytest.raises(ValidationError, match="no bars on 2024-01-13"):
        run_cycle(ctx2, "swing", saturday)
    failed = read_run(ctx2.store, "swing", saturday)
    assert failed is not None
    assert failed.status == "failed"


def test_a_book_with_a_risk_policy_gets_a_verdict_on_each_recommendation() -> None:
    ctx = context({"SPY": SPY, "QQQ": QQQ}, crossover_book(risk_policy="default"))

    result = run_cycle(ctx, "swing")

    verdicts = {r.symbol: r.risk for r in result.recommendations}
    # 5,000 of 10,000 is half the book: above the default policy's 25 % position weight
    assert verdicts["QQQ"]["allowed"] is False
    assert verdicts["QQQ"]["code"] == "position_limit"


def test_a_book_that_names_a_sizing_policy_sizes_its_sleeves_entries() -> None:
    book = crossover_book(sizing={"method": "fixed_fractional", "fraction": 0.2})
    ctx = context({"SPY": SPY, "QQQ": QQQ}, book)

    result = run_cycle(ctx, "swing")

    targets = {r.symbol: r.target for r in result.recommendations}
    # QQQ bought at the open of 11 with all 10,000 in cash: 0.2 x 10,000 / 11 -> 181 shares
    assert targets["QQQ"] == Decimal(181) == Decimal(int(0.2 * 10_000 / 11))
    # SPY on the session: 0.2 of the sleeve's equity at the close of 20 (instead of 5,000 / 20)
    equity = 10_000 - 181 * 11 - 0.0001 * 181 * 11 + 181 * 15
    assert targets["SPY"] == Decimal(107) == Decimal(int(0.2 * equity / 20))
    assert book_from_dict(book.to_dict()) == book


def test_a_bad_sizing_policy_in_a_book_is_refused_naming_the_field() -> None:
    book = crossover_book(sizing={"method": "volatility_target", "target": 0.1, "fraction": 0.2})
    ctx = context({"SPY": SPY, "QQQ": QQQ}, book)

    with pytest.raises(ValidationError, match=r"book 'swing': sizing\.fraction: volatility_target"):
        run_cycle(ctx, "swing")
    with pytest.raises(ValidationError, match=r"books\.swing\.sizing: expected a table"):
        crossover_book(sizing="volatility_target")
