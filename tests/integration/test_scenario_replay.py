"""Scenarios on a sample store: replay reproduces the proxy's drawdown exactly; the method
follows what the store holds."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from tetra.adapters.stores.base import SqlStore
from tetra.data.ports import Query
from tetra.simulation.scenarios import (
    FACTOR,
    REPLAY,
    Portfolio,
    scenario_from_mapping,
    shipped_scenarios,
    stress_portfolio,
)

AS_OF = dt.date(2025, 12, 31)


def proxy_drawdown_by_hand(store: SqlStore, symbol: str, start: dt.date, end: dt.date) -> float:
    """Peak-to-trough of the stored closes (split-adjusted by hand) from start to end."""
    bars = store.read(
        Query("market_data.ohlcv", where={"symbol": symbol}, start=start, end=end + dt.timedelta(1))
    )
    actions = store.read(Query("market_data.corporate_actions", where={"symbol": symbol}))
    close = bars["close"].to_numpy(dtype=np.float64)
    days = bars["ts"].dt.date.to_numpy()
    for _, split in actions[actions["action"] == "split"].iterrows():
        ratio = split["split_to"] / split["split_from"]
        close = np.where(days < split["ex_date"], close / ratio, close)
    return float((close / np.maximum.accumulate(close) - 1.0).min())


@pytest.mark.parametrize("name", ["covid_crash", "rate_shock_2022", "volmageddon", "q4_2018"])
def test_replay_reproduces_the_window_s_proxy_drawdown_exactly(
    sample_store: SqlStore, name: str
) -> None:
    scenario = shipped_scenarios()[name]
    portfolio = Portfolio({"SPY": 0.6, "TLT": 0.4})
    (outcome,) = stress_portfolio(sample_store, portfolio, [scenario], as_of=AS_OF)
    assert outcome.method == REPLAY
    start, end = scenario.dates
    expected = proxy_drawdown_by_hand(sample_store, "SPY", start, end)
    assert outcome.proxy_drawdown == pytest.approx(expected, rel=1e-12, abs=1e-15)


def test_replay_returns_are_the_window_s_stored_closes(sample_store: SqlStore) -> None:
    scenario = scenario_from_mapping(
        {"name": "w", "kind": "historical", "start": "2021-03-01", "end": "2021-06-30",
         "proxy": "SPY", "shock": {"SPY": -0.1}}
    )  # fmt: skip
    (outcome,) = stress_portfolio(sample_store, Portfolio({"GLD": 1.0}), [scenario], as_of=AS_OF)
    bars = sample_store.read(
        Query(
            "market_data.ohlcv",
            where={"symbol": "GLD"},
            start=dt.date(2021, 3, 1),
            end=dt.date(2021, 7, 1),
        )
    )
    dividends = sample_store.read(Query("market_data.corporate_actions", where={"symbol": "GLD"}))
    assert (
        dividends.empty
        or not (
            (dividends["ex_date"] > dt.date(2021, 3, 1))
            & (dividends["ex_date"] <= dt.date(2021, 6, 30))
        ).any()
    )
    close = bars["close"].to_numpy()
    assert outcome.portfolio_return == pytest.approx(close[-1] / close[0] - 1.0, rel=1e-12)
    assert outcome.window == (dt.date(2021, 3, 1), dt.date(2021, 6, 30))


def test_windows_the_store_lacks_and_hypotheticals_use_factor_shocks(
    sample_store: SqlStore,
) -> None:
    shipped = shipped_scenarios()
    chosen = [shipped["gfc"], shipped["rates_up_200bp"], shipped["covid_crash"]]
    outcomes = stress_portfolio(
        sample_store, Portfolio({"QQQ": 0.5, "BTC": 0.2}), chosen, as_of=AS_OF
    )
    assert [o.method for o in outcomes] == [FACTOR, FACTOR, REPLAY]
    assert "does not hold" in outcomes[0].why
    assert outcomes[1].why == "hypothetical scenario"
    qqq = next(h for h in outcomes[0].holdings if h.symbol == "QQQ")
    assert set(qqq.betas) == {"SPY", "TLT", "GLD", "BTC"}
    assert qqq.scenario_return == pytest.approx(
        sum(qqq.betas[p] * m for p, m in shipped["gfc"].shocks.items()), rel=1e-12
    )
