"""Scenario files and the factor-shock path, on a hand-computed two-asset case."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tetra.core.errors import ValidationError
from tetra.simulation.inputs import load_history
from tetra.simulation.scenarios import (
    FACTOR,
    Portfolio,
    ScenarioError,
    load_scenarios,
    pick,
    read_scenario_file,
    scenario_from_mapping,
    shipped_scenarios,
    stress_portfolio,
)
from tetra.testing import InMemoryStore

REQUIRED = {
    "gfc": (dt.date(2007, 10, 9), dt.date(2009, 3, 9)),
    "lehman": (dt.date(2008, 9, 12), dt.date(2009, 3, 9)),
    "volmageddon": (dt.date(2018, 1, 26), dt.date(2018, 2, 8)),
    "covid_crash": (dt.date(2020, 2, 19), dt.date(2020, 3, 23)),
    "rate_shock_2022": (dt.date(2022, 1, 3), dt.date(2022, 10, 12)),
}


def test_the_issue_s_scenarios_ship_with_their_windows_and_shocks() -> None:
    shipped = shipped_scenarios()
    for name, window in REQUIRED.items():
        assert shipped[name].dates == window
    assert {"flash_crash_2010", "aug_2015", "q4_2018"} <= set(shipped)
    assert shipped["covid_crash"].shocks["SPY"] == -0.339
    hypothetical = [s for s in shipped.values() if s.kind == "hypothetical"]
    assert {s.name for s in hypothetical} == {"rates_up_200bp", "equities_down_20_crypto_down_50"}
    assert shipped["equities_down_20_crypto_down_50"].shocks == {"SPY": -0.2, "BTC": -0.5}


def test_a_user_scenario_is_added_and_can_replace_a_shipped_one(tmp_path: Path) -> None:
    (tmp_path / "mine.toml").write_text(
        'name = "oil_spike"\nkind = "hypothetical"\ndays = 3\n[shock]\nXLE = 0.25\nSPY = -0.05\n'
    )
    (tmp_path / "covid.toml").write_text(
        'name = "covid_crash"\nkind = "historical"\nstart = 2020-02-20\nend = 2020-03-23\n'
        'proxy = "QQQ"\n[shock]\nQQQ = -0.3\n'
    )
    scenarios = load_scenarios([tmp_path])
    assert scenarios["oil_spike"].shocks == {"SPY": -0.05, "XLE": 0.25}
    assert scenarios["covid_crash"].proxy == "QQQ"
    assert scenarios["covid_crash"].origin.endswith("covid.toml")
    assert [s.name for s in pick(scenarios, ["oil_spike", "gfc"])] == ["oil_spike", "gfc"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('name = "x"\nkind = "historical"\n[shock\nSPY = 1', "is not valid TOML"),
        ('name = "x"\n[shock]\nSPY = -0.1\n', "missing required field 'kind'"),
        ('name = "x"\nkind = "future"\n[shock]\nSPY = -0.1\n', "kind must be"),
        ('name = "x"\nkind = "hypothetical"\n[shock]\nSPY = "a lot"\n', "must be a number"),
        ('name = "x"\nkind = "hypothetical"\n[shock]\nSPY = -1.2\n', "100 % or more"),
        (
            'name = "x"\nkind = "historical"\nstart = 2020-01-01\n[shock]\nSPY = -0.1\n',
            "needs start, end",
        ),
        (
            'name = "x"\nkind = "historical"\nstart = 2020-03-01\nend = 2020-01-01\nproxy = "SPY"\n'
            "[shock]\nSPY = -0.1\n",
            "is not after start",
        ),
        ('name = "x"\nkind = "hypothetical"\nwhen = 1\n[shock]\nSPY = -0.1\n', "unknown field"),
        ('name = "x"\nkind = "hypothetical"\n[shock]\n', "at least one entry"),
    ],
)
def test_a_malformed_scenario_file_names_the_file_and_the_problem(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(ScenarioError, match=message) as caught:
        read_scenario_file(path)
    assert "bad.toml" in str(caught.value)


def test_unknown_scenario_names_are_listed() -> None:
    with pytest.raises(ScenarioError, match="unknown scenario martian_invasion; known: aug_2015"):
        pick(shipped_scenarios(), ["martian_invasion"])


def two_asset_store() -> InMemoryStore:
    """SPY and TLT random walks; A moves exactly 1.5 x SPY, B 0.5 x TLT - 0.2 x SPY + 1 bp."""
    rng = np.random.default_rng(4)
    days = pd.bdate_range("2022-01-03", periods=400, tz="UTC")
    spy, tlt = 0.01 * rng.standard_normal(400), 0.008 * rng.standard_normal(400)
    returns = {"SPY": spy, "TLT": tlt, "A": 1.5 * spy, "B": 0.5 * tlt - 0.2 * spy + 1e-4}
    frames = []
    for symbol, r in returns.items():
        close = 100 * np.cumprod(1 + r)
        frames.append(
            pd.DataFrame(
                {"symbol": symbol, "interval": "1d", "ts": days, "open": close, "high": close,
                 "low": close, "close": close, "volume": 1e6, "source": "test"}
            )
        )  # fmt: skip
    store = InMemoryStore()
    store.migrate()
    store.upsert("market_data.ohlcv", pd.concat(frames, ignore_index=True))
    return store


def test_factor_shock_matches_the_hand_computed_two_asset_case() -> None:
    scenario = scenario_from_mapping(
        {"name": "test", "kind": "hypothetical", "shock": {"SPY": -0.2, "TLT": 0.1}}
    )
    portfolio = Portfolio({"A": 0.5, "B": 0.4}, value=1_000_000.0)
    store = two_asset_store()
    (outcome,) = stress_portfolio(store, portfolio, [scenario], as_of=dt.date(2023, 7, 31))
    # by hand: A = 1.5 x -20 % = -30 %; B = 0.5 x 10 % - 0.2 x -20 % = +9 %;
    # portfolio = 0.5 x -30 % + 0.4 x 9 % = -11.4 %, on 1,000,000: -114,000
    assert outcome.method == FACTOR
    by_symbol = {h.symbol: h for h in outcome.holdings}
    assert by_symbol["A"].scenario_return == pytest.approx(-0.30, abs=1e-9)
    assert by_symbol["B"].scenario_return == pytest.approx(0.09, abs=1e-9)
    assert by_symbol["B"].betas == pytest.approx({"SPY": -0.2, "TLT": 0.5}, abs=1e-9)
    assert outcome.portfolio_return == pytest.approx(-0.114, abs=1e-9)
    assert outcome.pnl == pytest.approx(-114_000.0, abs=1e-3)
    assert by_symbol["A"].pnl == pytest.approx(-150_000.0, abs=1e-3)


def test_history_requests_name_what_the_store_lacks() -> None:
    store = two_asset_store()
    with pytest.raises(ValidationError, match="unknown symbol NOPE: the store holds no bars"):
        load_history(store, ["SPY", "NOPE"], dt.date(2022, 1, 1), dt.date(2022, 12, 31))
    with pytest.raises(
        ValidationError,
        match=r"no stored bars between 1990-01-01 and 1990-12-31 for SPY \(the store holds SPY "
        r"from 2022-01-03",
    ):
        load_history(store, ["SPY"], dt.date(1990, 1, 1), dt.date(1990, 12, 31))
    with pytest.raises(ValidationError, match=r"ends \(2022-01-01\) before it starts"):
        load_history(store, ["SPY"], dt.date(2023, 1, 1), dt.date(2022, 1, 1))
