"""Seeded synthetic macro series for the sample store, shaped like FRED's.

Map of the module:
- `SERIES`: the FRED series the sample holds, with FRED's metadata (`SeriesInfo`).
- `generate_macro`: a monthly economy first (inflation, unemployment, and a policy rate moved
  in quarter-point steps at FOMC-like meetings towards a Taylor-style rule), then daily
  Treasury yields anchored on it, the VIX from the market's realised volatility, and
  quarterly nominal GDP. Every observation carries its release date as its one vintage
  (``realtime_start``; ``realtime_end`` is FRED's 9999-12-31), and only values released by
  the sample's last day are kept, as FRED would have shown them that day.
- `latest_releases`: one ``economic_data.releases`` row per series, like FRED's series
  metadata, dated by the series' latest publication inside a window.

Everything draws from one generator keyed on the seed, so reruns are bit-identical.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from tetra.model.sources import SAMPLE_SOURCE
from tetra.sample.members import keyed_rng
from tetra.simulation.stochastic import FloatArray, autoregressive_noise

DateArray = npt.NDArray[np.datetime64]

LATEST_REALTIME = dt.date(9999, 12, 31)  # FRED's "still current" end of a vintage
INDICATOR_COLUMNS = ("series_id", "date", "realtime_start", "realtime_end", "value", "source")
RELEASE_COLUMNS = (
    "series_id",
    "released",
    "release_name",
    "title",
    "units",
    "frequency",
    "seasonal_adjustment",
    "source",
)


@dataclass(frozen=True, slots=True)
class SeriesInfo:
    """A FRED series' metadata, as ``/fred/series`` states it, and its release's name."""

    series_id: str
    title: str
    units: str
    frequency: str
    seasonal_adjustment: str
    release_name: str


_NSA = "Not Seasonally Adjusted"
SERIES = (
    SeriesInfo(
        "DGS10",
        "Market Yield on U.S. Treasury Securities at 10-Year Constant Maturity, "
        "Quoted on an Investment Basis",
        "Percent",
        "Daily",
        _NSA,
        "H.15 Selected Interest Rates",
    ),
    SeriesInfo(
        "DGS2",
        "Market Yield on U.S. Treasury Securities at 2-Year Constant Maturity, "
        "Quoted on an Investment Basis",
        "Percent",
        "Daily",
        _NSA,
        "H.15 Selected Interest Rates",
    ),
    SeriesInfo(
        "T10Y2Y",
        "10-Year Treasury Constant Maturity Minus 2-Year Treasury Constant Maturity",
        "Percent",
        "Daily",
        _NSA,
        "Interest Rate Spreads",
    ),
    SeriesInfo(
        "VIXCLS",
        "CBOE Volatility Index: VIX",
        "Index",
        "Daily, Close",
        _NSA,
        "CBOE Market Statistics",
    ),
    SeriesInfo(
        "FEDFUNDS",
        "Federal Funds Effective Rate",
        "Percent",
        "Monthly",
        _NSA,
        "H.15 Selected Interest Rates",
    ),
    SeriesInfo(
        "CPIAUCSL",
        "Consumer Price Index for All Urban Consumers: All Items in U.S. City Average",
        "Index 1982-1984=100",
        "Monthly",
        "Seasonally Adjusted",
        "Consumer Price Index",
    ),
    SeriesInfo(
        "UNRATE",
        "Unemployment Rate",
        "Percent",
        "Monthly",
        "Seasonally Adjusted",
        "Employment Situation",
    ),
    SeriesInfo(
        "GDP",
        "Gross Domestic Product",
        "Billions of Dollars",
        "Quarterly",
        "Seasonally Adjusted Annual Rate",
        "Gross Domestic Product",
    ),
)
SAMPLE_SERIES = tuple(info.series_id for info in SERIES)

# The economy's long-run anchors, in percent: where inflation and unemployment settle, and
# the real rate the policy rule deems neutral.
_INFLATION_MEAN, _UNEMPLOYMENT_MEAN, _NEUTRAL_REAL_RATE = 3.0, 4.4, 0.75
_EFFECTIVE_BELOW_UPPER = 0.17  # the effective rate trades this far under the range's top
_MEETING_MONTHS = (1, 3, 5, 6, 7, 9, 11, 12)
_MEETING_DAY = 15  # a meeting month's decision takes effect mid-month
_CPI_START, _GDP_START = 237.0, 18_400.0  # levels of the first month and quarter


@dataclass(frozen=True, slots=True)
class Economy:
    """Monthly state, one value per month: annualised inflation, unemployment, policy rule."""

    months: DateArray  # datetime64[M]
    inflation: FloatArray
    unemployment: FloatArray
    rule: FloatArray  # where the policy rule would put the top of the target range
    upper: FloatArray  # the top of the target range after the month's meeting


@dataclass(frozen=True, slots=True)
class SampleMacro:
    """Every observation of the `SERIES`, as economic_data.indicators rows."""

    observations: pd.DataFrame


def generate_macro(
    sessions: DateArray, market_returns: FloatArray, end: dt.date, seed: int
) -> SampleMacro:
    """Generate the sample's macro series over the exchange `sessions` (sorted dates).

    `market_returns` are the broad market's daily log returns on those sessions (the VIX
    follows their realised volatility); only values released on or before `end` are kept.
    """
    days = np.asarray(sessions).astype("datetime64[D]")
    returns = np.nan_to_num(np.asarray(market_returns, dtype=np.float64))
    months = _months_between(days[0], days[-1])
    monthly = _floats(np.bincount(_month_index(days, months), returns, len(months)))
    rng = keyed_rng(seed, "macro")
    economy = simulate_economy(months, monthly, rng)
    frames = [
        *_daily_series(days, economy, returns, rng),
        *_monthly_series(economy, rng),
        _gdp_series(economy, rng),
    ]
    observations = pd.concat(frames, ignore_index=True)
    released = observations["realtime_start"] <= end
    return SampleMacro(observations[released].reset_index(drop=True))


def simulate_economy(months: DateArray, market: FloatArray, rng: np.random.Generator) -> Economy:
    """Simulate inflation, unemployment and the policy rate month by month.

    Unemployment drifts towards a level set by the market's trailing 12-month return
    (`market` holds monthly log returns), so a bear market brings a downturn.
    """
    shocks = rng.standard_normal((2, len(months)))
    pressure = _UNEMPLOYMENT_MEAN - 6.0 * (_trailing_sum(market, 12) - 0.06)
    unemployment = np.empty(len(months))
    inflation = np.empty(len(months))
    last_u, last_pi = 5.0, 1.5
    for m in range(len(months)):
        target = float(np.clip(pressure[m], 3.4, 10.0))
        last_u = float(np.clip(last_u + 0.15 * (target - last_u) + 0.1 * shocks[0, m], 3.3, 11))
        anchor = _INFLATION_MEAN - 0.2 * (last_u - _UNEMPLOYMENT_MEAN)
        last_pi = float(np.clip(anchor + 0.95 * (last_pi - anchor) + 0.45 * shocks[1, m], -1.5, 9))
        unemployment[m], inflation[m] = last_u, last_pi
    rule = policy_rule(inflation, unemployment)
    return Economy(months, inflation, unemployment, rule, _policy_path(months, rule))


def _trailing_sum(values: FloatArray, window: int) -> FloatArray:
    """Return the sum of each value and the `window` - 1 before it (fewer at the start)."""
    total = np.cumsum(values)
    earlier = np.concatenate([np.zeros(window), total[:-window]])[: len(values)]
    return _floats(total - earlier)


def policy_rule(inflation: FloatArray, unemployment: FloatArray) -> FloatArray:
    """Return a Taylor-style rule for the top of the target range, floored at 0.25%."""
    gap = 0.5 * (inflation - 2.0) - 1.0 * (unemployment - _UNEMPLOYMENT_MEAN)
    return np.clip(_NEUTRAL_REAL_RATE + inflation + gap, 0.25, 6.5)


def _policy_path(months: DateArray, rule: FloatArray) -> FloatArray:
    """Move the range's top at meetings: a quarter point towards the rule, half when far."""
    upper = np.empty(len(months))
    level = 0.5
    for m, month in enumerate(months):
        if int(month.astype(int) % 12) + 1 in _MEETING_MONTHS:
            gap = rule[m] - level
            step = 0.5 if abs(gap) > 1.5 else 0.25 if abs(gap) > 0.375 else 0.0
            level = float(np.clip(level + np.sign(gap) * step, 0.25, 6.5))
        upper[m] = level
    return upper


def _months_between(first: np.datetime64, last: np.datetime64) -> DateArray:
    return np.arange(first.astype("datetime64[M]"), last.astype("datetime64[M]") + 1)


def _month_index(days: DateArray, months: DateArray) -> npt.NDArray[np.intp]:
    return np.asarray(days.astype("datetime64[M]") - months[0], dtype=np.intp)


# --- daily series: Treasury yields, their spread, the VIX ----------------------------------


def _daily_series(
    days: DateArray, economy: Economy, market_returns: FloatArray, rng: np.random.Generator
) -> list[pd.DataFrame]:
    effective = _effective_rate(days, economy)
    rule = np.interp(_day_numbers(days), _day_numbers(economy.months), economy.rule)
    anchor = effective + 0.5 * (rule - effective)
    two_year = _rounded(np.maximum(anchor + 0.4 * _noise(rng, len(days), 0.995), 0.05), 2)
    slope = np.clip(1.1 - 0.35 * (effective - 2.0), -1.2, 2.6)
    ten_year = two_year + slope + 0.5 * _noise(rng, len(days), 0.997)
    ten_year = _rounded(np.maximum(ten_year, 0.3), 2)
    spread = _rounded(ten_year - two_year, 2)
    vix = _rounded(_vix(market_returns, _noise(rng, len(days), 0.9)), 2)
    known = np.busday_offset(days, 1, roll="forward")  # published the next business day
    values = {"DGS10": ten_year, "DGS2": two_year, "T10Y2Y": spread, "VIXCLS": vix}
    return [_frame(series, days, known, series_values) for series, series_values in values.items()]


def _effective_rate(days: DateArray, economy: Economy) -> FloatArray:
    """Return the daily effective rate: the range's top, changed mid-month, less the spread."""
    index = _month_index(days, economy.months)
    before = np.concatenate([[economy.upper[0]], economy.upper[:-1]])[index]
    after = economy.upper[index]
    day_of_month = (days - days.astype("datetime64[M]")).astype(np.intp) + 1
    upper = np.where(day_of_month >= _MEETING_DAY, after, before)
    return np.maximum(upper - _EFFECTIVE_BELOW_UPPER, 0.05)


def _vix(market_returns: FloatArray, noise: FloatArray) -> FloatArray:
    """Return a VIX: the market's EWMA volatility with a premium, plus persistent noise."""
    returns = np.asarray(market_returns, dtype=np.float64)
    variance = np.empty(len(returns))
    level = float(np.mean(returns[:60] ** 2)) if len(returns) else 0.0
    for step, value in enumerate(returns):
        level = 0.94 * level + 0.06 * value * value
        variance[step] = level
    annualised = 100.0 * np.sqrt(252.0 * variance)
    return np.clip(1.1 * annualised + 2.5 + 1.5 * noise, 9.0, 85.0)


def _noise(rng: np.random.Generator, count: int, persistence: float) -> FloatArray:
    return autoregressive_noise(rng.standard_normal(count), persistence)


def _floats(values: npt.ArrayLike) -> FloatArray:
    return np.asarray(values, dtype=np.float64)


def _rounded(values: npt.ArrayLike, decimals: int) -> FloatArray:
    """Round as FRED publishes: percent to 2 decimals, index levels to 3."""
    return np.round(_floats(values), decimals)


def _day_numbers(dates: DateArray) -> FloatArray:
    return dates.astype("datetime64[D]").astype(np.float64)


# --- monthly and quarterly series ----------------------------------------------------------


def _monthly_series(economy: Economy, rng: np.random.Generator) -> list[pd.DataFrame]:
    months = economy.months
    days = months.astype("datetime64[D]")
    following = (months + 1).astype("datetime64[D]")
    headline = economy.inflation / 1200.0 + 0.001 * rng.standard_normal(len(months))
    cpi = _rounded(_CPI_START * np.exp(np.cumsum(headline) - headline[0]), 3)
    previous = np.concatenate([[economy.upper[0]], economy.upper[:-1]])
    fed_funds = (previous + economy.upper) / 2 - _EFFECTIVE_BELOW_UPPER
    noise = 0.01 * rng.standard_normal(len(months))
    fed_funds = _rounded(np.maximum(fed_funds + noise, 0.04), 2)
    return [
        # CPI: the first Wednesday on or after the 10th of the next month
        _frame("CPIAUCSL", days, _weekday_on_or_after(following + 9, "Wed"), cpi),
        # the Employment Situation: the first Friday of the next month
        _frame(
            "UNRATE", days, _weekday_on_or_after(following, "Fri"), economy.unemployment.round(1)
        ),
        # H.15: the monthly average is out on the next month's first business day
        _frame("FEDFUNDS", days, _weekday_on_or_after(following, "Mon Tue Wed Thu Fri"), fed_funds),
    ]


def _gdp_series(economy: Economy, rng: np.random.Generator) -> pd.DataFrame:
    """Return nominal GDP (SAAR): real growth falls as unemployment rises; plus inflation."""
    quarters = economy.months[economy.months.astype(int) % 3 == 0]
    starts = np.searchsorted(economy.months, quarters)
    inflation = np.array([economy.inflation[s : s + 3].mean() for s in starts])
    unemployment = np.array([economy.unemployment[s : s + 3].mean() for s in starts])
    change = np.diff(unemployment, prepend=unemployment[0])
    real = 2.2 - 2.0 * change + 1.2 * rng.standard_normal(len(quarters))
    growth = (real + inflation) / 400.0
    gdp = _rounded(_GDP_START * np.cumprod(1.0 + growth) / (1.0 + growth[0]), 3)
    # the advance estimate: the last Thursday of the month after the quarter ends
    after_next = (quarters + 4).astype("datetime64[D]")
    known = np.busday_offset(after_next, -1, roll="forward", weekmask="Thu")
    return _frame("GDP", quarters.astype("datetime64[D]"), known, gdp)


def _weekday_on_or_after(days: DateArray, weekmask: str) -> DateArray:
    return np.busday_offset(days, 0, roll="forward", weekmask=weekmask)


def _frame(series_id: str, days: DateArray, known: DateArray, values: FloatArray) -> pd.DataFrame:
    count = len(days)
    return pd.DataFrame(
        {
            "series_id": [series_id] * count,
            "date": days.astype("datetime64[D]").astype(object),
            "realtime_start": known.astype("datetime64[D]").astype(object),
            "realtime_end": [LATEST_REALTIME] * count,
            "value": np.asarray(values, dtype=np.float64),
            "source": [SAMPLE_SOURCE] * count,
        },
        columns=list(INDICATOR_COLUMNS),
    )


# --- metadata ------------------------------------------------------------------------------


def latest_releases(observations: pd.DataFrame, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Return one releases row per series published in ``[start, end]``, at its latest release."""
    known = observations["realtime_start"]
    inside = observations[(known >= start) & (known <= end)]
    latest = inside.groupby("series_id")["realtime_start"].max()
    rows = [
        _release_row(info, latest[info.series_id]) for info in SERIES if info.series_id in latest
    ]
    return pd.DataFrame.from_records(rows, columns=list(RELEASE_COLUMNS))


def _release_row(info: SeriesInfo, released: dt.date) -> dict[str, object]:
    return {
        "series_id": info.series_id,
        "released": released,
        "release_name": info.release_name,
        "title": info.title,
        "units": info.units,
        "frequency": info.frequency,
        "seasonal_adjustment": info.seasonal_adjustment,
        "source": SAMPLE_SOURCE,
    }
