"""Specifications of the offline sample universe: shape, determinism, realism, corporate actions."""

from __future__ import annotations

import datetime as dt
import itertools
import warnings

import exchange_calendars
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tetra.core.errors import ValidationError
from tetra.model.instruments import AssetClass, Instrument, UniverseGroup
from tetra.sample.history import (
    SAMPLE_SOURCE,
    SampleHistory,
    SampleSpec,
    generate_sample_history,
)

BAR_COLUMNS = ["symbol", "interval", "ts", "open", "high", "low", "close", "volume", "source"]
ACTION_COLUMNS = [
    "symbol",
    "ex_date",
    "action",
    "split_from",
    "split_to",
    "cash_amount",
    "currency",
    "source",
]
SPEC = SampleSpec()
WINDOW_START = dt.date(2015, 12, 31)
GROWTH_LISTED = dt.date(2020, 6, 15)
COIN_LISTED = dt.date(2021, 3, 6)  # a Saturday


def _sessions() -> np.ndarray:
    with warnings.catch_warnings():  # the calendar library trips pandas deprecation warnings
        warnings.simplefilter("ignore")
        calendar = exchange_calendars.get_calendar("XNYS", start="2015-01-01", end="2026-01-31")
        sessions = calendar.sessions_in_range("2015-06-01", "2025-12-31")
    return np.asarray(sessions.values.astype("datetime64[D]"))


SESSIONS = _sessions()


def _equity(
    symbol: str, group: UniverseGroup, theme: str, listed: dt.date | None = None
) -> Instrument:
    return Instrument(
        symbol, symbol, AssetClass.EQUITY, group, "XNAS", themes=(theme,), listed=listed
    )


def _etf(symbol: str, group: UniverseGroup, theme: str) -> Instrument:
    return Instrument(symbol, symbol, AssetClass.ETF, group, "ARCX", themes=(theme,))


def _coin(symbol: str, listed: dt.date | None = None) -> Instrument:
    return Instrument(
        symbol,
        symbol,
        AssetClass.CRYPTO,
        UniverseGroup.CRYPTO,
        "CRYPTO",
        themes=("layer1",),
        listed=listed,
    )


THEMES = ("semiconductors", "biotech", "banks")
STOCKS = [
    _equity(f"{theme[:3].upper()}{n}", UniverseGroup.LARGEST_STOCKS, theme)
    for theme in THEMES
    for n in range(5)
]
GROWTH = [_equity(f"GRW{n}", UniverseGroup.GROWTH_STOCKS, "quantum") for n in range(4)]
LATE_GROWTH = _equity("LATE", UniverseGroup.GROWTH_STOCKS, "quantum", listed=GROWTH_LISTED)
ETFS = [
    _etf("SPY", UniverseGroup.LARGEST_ETFS, "broad_market"),
    _etf("VTI", UniverseGroup.LARGEST_ETFS, "broad_market"),
    _etf("TLT", UniverseGroup.LARGEST_ETFS, "treasury_bonds"),
    _etf("SMH", UniverseGroup.THEMED_ETFS, "semiconductors"),
]
COINS = [_coin("BTC"), _coin("ETH"), _coin("DOGE"), _coin("NEWC", listed=COIN_LISTED)]
UNIVERSE = [*STOCKS, *GROWTH, LATE_GROWTH, *ETFS, *COINS]


@pytest.fixture(scope="module")
def history() -> SampleHistory:
    return generate_sample_history(UNIVERSE, SESSIONS, SPEC)


def _frame_hash(frame: pd.DataFrame) -> int:
    return int(pd.util.hash_pandas_object(frame, index=False).sum())


def _adjusted_closes(history: SampleHistory) -> pd.DataFrame:
    """Return split-adjusted closes, one column per symbol."""
    closes = history.bars.pivot(index="ts", columns="symbol", values="close")
    splits = history.corporate_actions[history.corporate_actions["action"] == "split"]
    for split in splits.itertuples():
        before = closes.index < pd.Timestamp(split.ex_date).tz_localize("UTC")
        closes.loc[before, split.symbol] /= split.split_to / split.split_from
    return closes


def _session_returns(history: SampleHistory) -> pd.DataFrame:
    closes = _adjusted_closes(history)
    exchange = [i.symbol for i in UNIVERSE if not i.trades_every_day]
    on_sessions = closes[exchange].dropna(how="all")
    return np.log(on_sessions).diff().iloc[1:]


def _excess_kurtosis(values: pd.Series) -> float:
    centred = values.dropna() - values.mean()
    return float((centred**4).mean() / (centred**2).mean() ** 2 - 3.0)


def test_bars_have_the_documented_columns_types_and_order(history: SampleHistory) -> None:
    bars = history.bars

    assert list(bars.columns) == BAR_COLUMNS
    assert str(bars["ts"].dtype) == "datetime64[ns, UTC]"
    assert all(bars[c].dtype == np.float64 for c in ["open", "high", "low", "close", "volume"])
    assert set(bars["interval"]) == {"1d"}
    assert set(bars["source"]) == {SAMPLE_SOURCE}
    assert not bars.isna().any().any()
    assert not bars.duplicated(["symbol", "ts"]).any()
    assert bars.equals(bars.sort_values(["symbol", "ts"], kind="stable").reset_index(drop=True))
    assert (bars["ts"] == bars["ts"].dt.normalize()).all()


def test_corporate_actions_have_the_documented_columns_and_order(history: SampleHistory) -> None:
    actions = history.corporate_actions

    assert list(actions.columns) == ACTION_COLUMNS
    assert str(actions["ex_date"].dtype) == "datetime64[ns]"
    assert set(actions["action"]) == {"split", "dividend"}
    assert set(actions["currency"]) == {"USD"}
    assert set(actions["source"]) == {SAMPLE_SOURCE}
    dividends = actions[actions["action"] == "dividend"]
    assert dividends[["split_from", "split_to"]].isna().all().all()
    assert (dividends["cash_amount"] > 0).all()
    splits = actions[actions["action"] == "split"]
    assert splits["cash_amount"].isna().all()
    assert (splits[["split_from", "split_to"]] > 0).all().all()
    assert actions.equals(
        actions.sort_values(["symbol", "ex_date"], kind="stable").reset_index(drop=True)
    )


def test_same_spec_gives_bit_identical_frames(history: SampleHistory) -> None:
    again = generate_sample_history(list(reversed(UNIVERSE)), SESSIONS, SPEC)

    assert _frame_hash(again.bars) == _frame_hash(history.bars)
    assert _frame_hash(again.corporate_actions) == _frame_hash(history.corporate_actions)


def test_a_different_seed_gives_a_different_history(history: SampleHistory) -> None:
    other = generate_sample_history(UNIVERSE, SESSIONS, SampleSpec(seed=SPEC.seed + 1))

    assert _frame_hash(other.bars) != _frame_hash(history.bars)


def test_adding_an_instrument_leaves_the_others_unchanged(history: SampleHistory) -> None:
    subset = [*STOCKS[:3], ETFS[0], COINS[0]]
    split_symbols = set(history.corporate_actions.query("action == 'split'")["symbol"])

    smaller = generate_sample_history(subset, SESSIONS, SPEC)

    smaller_splits = set(smaller.corporate_actions.query("action == 'split'")["symbol"])
    for instrument in subset:
        if instrument.symbol in split_symbols | smaller_splits:
            continue
        mine = smaller.bars[smaller.bars["symbol"] == instrument.symbol].reset_index(drop=True)
        theirs = history.bars[history.bars["symbol"] == instrument.symbol].reset_index(drop=True)
        pd.testing.assert_frame_equal(mine, theirs)


def test_bars_are_consistent_and_positive(history: SampleHistory) -> None:
    bars = history.bars

    assert (bars["low"] > 0).all()
    assert (bars["low"] <= bars[["open", "close"]].min(axis=1)).all()
    assert (bars[["open", "close"]].max(axis=1) <= bars["high"]).all()
    assert (bars["volume"] >= 0).all()


def test_crypto_trades_every_calendar_day_and_equities_only_on_sessions(
    history: SampleHistory,
) -> None:
    days = history.bars.groupby("symbol")["ts"].apply(
        lambda ts: ts.dt.tz_localize(None).to_numpy().astype("datetime64[D]")
    )
    window = SESSIONS[np.datetime64(WINDOW_START) <= SESSIONS]

    every_day = np.arange(np.datetime64(WINDOW_START), np.datetime64(SPEC.end) + 1)
    np.testing.assert_array_equal(days["BTC"], every_day)
    np.testing.assert_array_equal(days["SPY"], window)
    np.testing.assert_array_equal(days["SEM0"], window)


def test_instruments_start_on_their_first_trading_day_after_listing(
    history: SampleHistory,
) -> None:
    first = history.bars.groupby("symbol")["ts"].min().dt.date

    first_session = SESSIONS[np.datetime64(GROWTH_LISTED) <= SESSIONS][0].astype(dt.date)
    assert first["LATE"] == first_session
    assert first["NEWC"] == COIN_LISTED
    assert first["GRW0"] == WINDOW_START


def test_returns_correlate_more_within_a_theme_than_across(history: SampleHistory) -> None:
    returns = _session_returns(history)[[s.symbol for s in STOCKS]]
    correlation = returns.corr()
    theme_of = {s.symbol: s.themes[0] for s in STOCKS}

    within, across = [], []
    for left, right in itertools.combinations(correlation.columns, 2):
        pairs = within if theme_of[left] == theme_of[right] else across
        pairs.append(correlation.loc[left, right])

    assert np.mean(within) > np.mean(across) + 0.05


def test_equities_move_with_the_market_and_bonds_do_not(history: SampleHistory) -> None:
    returns = _session_returns(history)
    market = returns["SPY"]

    equities = [s.symbol for s in (*STOCKS, *GROWTH)]
    assert (returns[equities].corrwith(market) > 0.1).all()
    assert returns["VTI"].corr(market) > 0.8
    assert returns["TLT"].corr(market) < 0.2


def test_daily_returns_have_fat_tails_and_volatility_clustering(history: SampleHistory) -> None:
    returns = _session_returns(history)
    long_lived = [s.symbol for s in (*STOCKS, *GROWTH, *ETFS)]

    kurtosis = returns[long_lived].apply(_excess_kurtosis)
    clustering = returns[long_lived].apply(lambda r: (r - r.mean()).pow(2).autocorr(1))

    assert kurtosis.median() > 1.0
    assert _excess_kurtosis(returns["SPY"]) > 1.0
    assert clustering.median() > 0.05
    assert clustering["SPY"] > 0.05


def test_volatility_and_levels_are_realistic_per_asset_class(history: SampleHistory) -> None:
    closes = _adjusted_closes(history)
    daily_volatility = np.log(closes).diff().std()
    last = history.bars.groupby("symbol")["close"].last()

    assert daily_volatility["TLT"] * np.sqrt(252) < 0.2
    assert daily_volatility["BTC"] * np.sqrt(365) > 0.4
    assert 10_000 < last["BTC"] < 200_000
    assert last["DOGE"] < 1.0
    assert all(1 < last[s.symbol] < 2_000 for s in STOCKS)


def test_each_split_jumps_the_raw_close_by_its_ratio_while_adjusted_stays_continuous(
    history: SampleHistory,
) -> None:
    splits = history.corporate_actions.query("action == 'split'")
    adjusted = _adjusted_closes(history)

    assert len(splits) >= 1
    for split in splits.itertuples():
        raw = history.bars[history.bars["symbol"] == split.symbol].set_index("ts")["close"]
        position = raw.index.get_loc(pd.Timestamp(split.ex_date).tz_localize("UTC"))
        ratio = split.split_to / split.split_from
        raw_jump = raw.iloc[position - 1] / raw.iloc[position]
        smooth = adjusted[split.symbol].dropna()
        adjusted_move = smooth.iloc[position] / smooth.iloc[position - 1]
        assert abs(np.log(raw_jump / ratio)) < 0.5
        assert abs(np.log(adjusted_move)) < 0.5 < abs(np.log(ratio))


def test_dividends_are_paid_by_etfs_and_never_by_crypto(history: SampleHistory) -> None:
    dividends = history.corporate_actions.query("action == 'dividend'")
    payers = set(dividends["symbol"])

    assert {"SPY", "VTI", "TLT"} <= payers
    assert not payers & {c.symbol for c in COINS}
    assert dividends.query("symbol == 'TLT'")["ex_date"].dt.year.value_counts().max() == 12


def test_the_raw_price_drops_by_the_dividend_on_its_ex_date(history: SampleHistory) -> None:
    dividend = history.corporate_actions.query("action == 'dividend' and symbol == 'SPY'").iloc[5]
    bars = history.bars[history.bars["symbol"] == "SPY"].set_index("ts")
    position = bars.index.get_loc(pd.Timestamp(dividend["ex_date"]).tz_localize("UTC"))
    previous_close = bars["close"].iloc[position - 1]

    assert 0 < dividend["cash_amount"] < 0.02 * previous_close


def test_an_instrument_listed_after_the_window_has_no_bars() -> None:
    future = _equity("FUTR", UniverseGroup.GROWTH_STOCKS, "quantum", listed=dt.date(2030, 1, 2))

    history = generate_sample_history([future, ETFS[0]], SESSIONS, SPEC)

    assert set(history.bars["symbol"]) == {"SPY"}
    assert "FUTR" not in set(history.corporate_actions["symbol"])


def test_an_empty_universe_gives_empty_frames_with_the_columns() -> None:
    history = generate_sample_history([], SESSIONS, SPEC)

    assert history.bars.empty
    assert list(history.bars.columns) == BAR_COLUMNS
    assert history.corporate_actions.empty


def test_duplicate_symbols_are_rejected() -> None:
    with pytest.raises(ValidationError, match="unique"):
        generate_sample_history([ETFS[0], ETFS[0]], SESSIONS, SPEC)


SMALL_UNIVERSE = [STOCKS[0], GROWTH[0], ETFS[0], ETFS[2], COINS[2]]


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(min_value=0, max_value=2**40), years=st.integers(min_value=1, max_value=3))
def test_bars_stay_consistent_positive_and_complete_for_any_seed(seed: int, years: int) -> None:
    spec = SampleSpec(years=years, seed=seed)

    bars = generate_sample_history(SMALL_UNIVERSE, SESSIONS, spec).bars

    assert not bars.isna().any().any()
    assert (bars["low"] > 0).all()
    assert (bars["volume"] >= 0).all()
    assert (bars["low"] <= bars[["open", "close"]].min(axis=1)).all()
    assert (bars[["open", "close"]].max(axis=1) <= bars["high"]).all()
    assert not bars.duplicated(["symbol", "ts"]).any()
    assert set(bars["symbol"]) == {i.symbol for i in SMALL_UNIVERSE}
