"""ml_signal's weights and backtest; macro features as known through their vintages."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tetra.backtest.run import run_backtest
from tetra.core.errors import ValidationError
from tetra.market import MarketData
from tetra.ml.features import FeatureSet, FeatureSpec, build_features
from tetra.ml.inputs import empty_side_inputs
from tetra.strategy.library.ml_signal import MlSignal, MlSignalConfig, target_weights


def flat_market(days: int, symbols: int) -> MarketData:
    close = 100 * np.cumprod(np.full((days, symbols), 1.001), axis=0)
    dates = np.arange(np.datetime64("2024-01-01"), np.datetime64("2024-01-01") + days)
    ones, zeros = np.ones(close.shape), np.zeros(close.shape)
    names = tuple(f"S{n}" for n in range(symbols))
    return MarketData(dates, names, close, close, close, close, ones * 1e6, ones, zeros)


def test_top_k_holds_the_best_scores_equally_and_long_short_splits_the_gross() -> None:
    scores = np.array([0.3, np.nan, -0.1, 0.9, 0.0, -0.5])

    top = target_weights(scores, MlSignalConfig(top_k=2))
    spread = target_weights(scores, MlSignalConfig(mode="long_short", quantile=0.2, gross=1.0))

    assert list(top) == [0.5, 0.0, 0.0, 0.5, 0.0, 0.0]
    assert list(spread) == [0.0, 0.0, 0.0, 0.5, 0.0, -0.5]


def test_ml_signal_rebalances_every_n_scored_days_and_trades_on_the_compiled_path() -> None:
    data = flat_market(30, 4)
    index = pd.DatetimeIndex(data.dates.astype("datetime64[ns]"))
    signal = pd.DataFrame(np.tile([1.0, 2.0, 3.0, 4.0], (30, 1)), index=index,
                          columns=list(data.symbols))  # fmt: skip
    signal.iloc[:10] = np.nan  # no scores for the first ten days

    result = run_backtest(MlSignal(MlSignalConfig(top_k=1, rebalance=5), signal=signal), data)

    decided = sorted({int(t) for t in result.decisions[:, 0]})  # type: ignore[index]
    assert decided == [10, 15, 20, 25]
    assert result.positions.iloc[-1]["S3"] > 0
    assert result.positions.iloc[-1][["S0", "S1", "S2"]].eq(0).all()
    assert not [w for w in result.warnings if "look-ahead" in w]


def test_ml_signal_without_predictions_says_how_to_get_them() -> None:
    with pytest.raises(ValidationError, match="tetra ml predict"):
        MlSignal().orders(flat_market(5, 2))


def test_a_macro_feature_keeps_the_previous_value_until_release_and_honours_revisions() -> None:
    data = flat_market(40, 2)  # 2024-01-01 .. 2024-02-09, every day a decision day
    inputs = empty_side_inputs(data)
    observations = pd.DataFrame(
        {
            "series_id": ["CPI"] * 4,
            "date": pd.to_datetime(["2023-11-01", "2023-12-01", "2023-12-01", "2024-01-01"]),
            "realtime_start": pd.to_datetime(
                ["2023-12-12", "2024-01-11", "2024-01-25", "2024-02-13"]
            ),  # December is released on Jan 11 and revised on Jan 25; January after the window
            "value": [100.0, 101.0, 101.5, 102.0],
        }
    )
    inputs = type(inputs)(
        inputs.market, {}, observations, inputs.news, inputs.earnings, frozenset({"CPI"})
    )
    level = FeatureSet("m", 1, (FeatureSpec.of("cpi", "macro_level", series="CPI"),))
    change = FeatureSet("c", 1, (FeatureSpec.of("cpi_chg", "macro_change", series="CPI", lag=1),))

    cpi = build_features(inputs, [level]).column("cpi")[:, 0]
    cpi_change = build_features(inputs, [change]).column("cpi_chg")[:, 0]

    day = {str(d): i for i, d in enumerate(data.dates)}
    assert cpi[day["2024-01-10"]] == 100.0  # the day before the release: the previous value
    assert cpi[day["2024-01-11"]] == 101.0
    assert cpi[day["2024-01-24"]] == 101.0
    assert cpi[day["2024-01-25"]] == 101.5  # the revision counts from its own release
    assert cpi[day["2024-02-09"]] == 101.5
    assert cpi_change[day["2024-01-11"]] == pytest.approx(1.0)
    assert cpi_change[day["2024-01-25"]] == pytest.approx(1.5)
