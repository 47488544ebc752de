"""Specifications of the sample's synthetic macro series (FRED-shaped, seeded)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from tetra.data.calendars import sessions
from tetra.sample.macro import (
    LATEST_REALTIME,
    SAMPLE_SERIES,
    SampleMacro,
    generate_macro,
    latest_releases,
)

END = dt.date(2025, 12, 31)
SEED = 20251231
DAYS = np.asarray(sessions(dt.date(2015, 12, 31), END)).astype("datetime64[D]")


def market_returns(crash_at: int | None = None) -> np.ndarray:
    returns = np.random.default_rng(7).normal(0.0003, 0.01, len(DAYS))
    if crash_at is not None:
        returns[crash_at : crash_at + 10] = -0.05
    return returns


@pytest.fixture(scope="module")
def macro() -> SampleMacro:
    return generate_macro(DAYS, market_returns(), END, SEED)


def series(macro: SampleMacro, series_id: str) -> pd.DataFrame:
    rows = macro.observations[macro.observations["series_id"] == series_id]
    return rows.reset_index(drop=True)


def test_same_seed_gives_bit_identical_observations(macro: SampleMacro) -> None:
    again = generate_macro(DAYS, market_returns(), END, SEED)

    pd.testing.assert_frame_equal(macro.observations, again.observations)


def test_another_seed_gives_other_values(macro: SampleMacro) -> None:
    other = generate_macro(DAYS, market_returns(), END, SEED + 1)

    assert not series(other, "DGS10")["value"].equals(series(macro, "DGS10")["value"])


def test_every_series_is_there_at_its_fred_frequency(macro: SampleMacro) -> None:
    daily = {day.item() for day in DAYS[:-1]}  # the last session's values come out next year
    months = {d for d in series(macro, "CPIAUCSL")["date"]}

    assert set(macro.observations["series_id"]) == set(SAMPLE_SERIES)
    for daily_id in ("DGS10", "DGS2", "T10Y2Y", "VIXCLS"):
        assert set(series(macro, daily_id)["date"]) == daily
    for monthly_id in ("CPIAUCSL", "UNRATE", "FEDFUNDS"):
        assert all(d.day == 1 for d in series(macro, monthly_id)["date"])
    assert len(months) == 120  # December 2015 to November 2025
    assert all(d.day == 1 and d.month in (1, 4, 7, 10) for d in series(macro, "GDP")["date"])


def test_ten_year_minus_two_year_is_exactly_the_published_spread(macro: SampleMacro) -> None:
    ten, two, spread = (series(macro, s).set_index("date")["value"] for s in SAMPLE_SERIES[:3])

    assert np.allclose(spread, (ten - two).round(2), rtol=0, atol=1e-9)


@pytest.mark.parametrize(
    ("series_id", "low", "high"),
    [
        ("DGS10", 0.3, 9.0),
        ("DGS2", 0.05, 8.0),
        ("T10Y2Y", -2.0, 3.5),
        ("VIXCLS", 9.0, 85.0),
        ("FEDFUNDS", 0.04, 7.0),
        ("UNRATE", 3.3, 11.0),
        ("CPIAUCSL", 230.0, 340.0),
        ("GDP", 17_000.0, 35_000.0),
    ],
)
def test_levels_stay_plausible(macro: SampleMacro, series_id: str, low: float, high: float) -> None:
    values = series(macro, series_id)["value"]

    assert values.notna().all()
    assert values.between(low, high).all(), (values.min(), values.max())


def test_cpi_rises_in_most_months_and_over_the_decade(macro: SampleMacro) -> None:
    cpi = series(macro, "CPIAUCSL")["value"]

    assert (cpi.diff().dropna() > 0).mean() >= 0.8
    assert cpi.iloc[0] == pytest.approx(237.0)
    assert 1.1 < cpi.iloc[-1] / cpi.iloc[0] < 1.5


def test_fed_funds_averages_a_target_range_moved_in_quarter_points(macro: SampleMacro) -> None:
    fed_funds = series(macro, "FEDFUNDS")["value"]
    # a month's average of the range's top (quarter points, half a step in a meeting
    # month) less the effective rate's spread under it, give or take a basis point
    eighths = (fed_funds + 0.17) / 0.125
    off_grid = (eighths - eighths.round()).abs() * 0.125

    assert off_grid.max() <= 0.04
    assert fed_funds.diff().abs().max() <= 0.55  # two half-point moves in a row at most


def test_gdp_grows_over_the_decade(macro: SampleMacro) -> None:
    gdp = series(macro, "GDP")["value"]

    assert gdp.iloc[0] == pytest.approx(18_400.0)
    assert gdp.iloc[-1] > gdp.iloc[0] * 1.2


def test_each_value_has_one_vintage_released_after_its_date(macro: SampleMacro) -> None:
    rows = macro.observations

    assert not rows.duplicated(["series_id", "date"]).any()
    assert (rows["realtime_start"] > rows["date"]).all()
    assert (rows["realtime_start"] <= END).all()
    assert (rows["realtime_end"] == LATEST_REALTIME).all()
    assert (rows["source"] == "sample").all()


def test_release_days_follow_the_agencies_calendars(macro: SampleMacro) -> None:
    cpi, jobs, gdp = (series(macro, s) for s in ("CPIAUCSL", "UNRATE", "GDP"))
    daily = series(macro, "DGS10")

    assert all(d.weekday() == 2 and 10 <= d.day <= 16 for d in cpi["realtime_start"])
    assert all(d.weekday() == 4 and d.day <= 7 for d in jobs["realtime_start"])
    assert all(d.weekday() == 3 and d.day >= 22 for d in gdp["realtime_start"])
    gaps = [(k - d).days for d, k in zip(daily["date"], daily["realtime_start"], strict=True)]
    assert set(gaps) <= {1, 3}  # the next business day


def test_vix_rises_after_a_market_crash() -> None:
    crash = 1_000
    vix = series(generate_macro(DAYS, market_returns(crash), END, SEED), "VIXCLS")["value"]

    assert vix.iloc[crash + 10] > vix.iloc[crash - 5] + 20


def test_latest_releases_carry_fred_metadata(macro: SampleMacro) -> None:
    releases = latest_releases(macro.observations, dt.date(2015, 12, 31), END).set_index(
        "series_id"
    )

    assert list(releases.index) == list(SAMPLE_SERIES)
    assert releases.loc["CPIAUCSL", "units"] == "Index 1982-1984=100"
    assert releases.loc["CPIAUCSL", "seasonal_adjustment"] == "Seasonally Adjusted"
    assert releases.loc["GDP", "frequency"] == "Quarterly"
    assert releases.loc["GDP", "seasonal_adjustment"] == "Seasonally Adjusted Annual Rate"
    assert releases.loc["DGS10", "title"].startswith("Market Yield on U.S. Treasury Securities")
    assert releases.loc["DGS10", "released"] == END
    assert releases.loc["GDP", "released"] == max(series(macro, "GDP")["realtime_start"])


def test_latest_releases_keep_only_series_published_in_the_window(macro: SampleMacro) -> None:
    releases = latest_releases(macro.observations, dt.date(2025, 12, 20), END)

    assert set(releases["series_id"]) == {"DGS10", "DGS2", "T10Y2Y", "VIXCLS"}
