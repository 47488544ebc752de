"""Event feature kinds: calendar days to the next earnings report, and since past events.

Past events (splits and dividends on their ex-dates, earnings on their report dates) count
from their day on. A future report date counts only once announced, taken as
`EARNINGS_NOTICE_DAYS` before it (companies confirm dates two to six weeks ahead); further
out the feature is missing.
"""

from __future__ import annotations

import numpy as np

from tetra.ml.features.kinds import FeatureContext, register_kind
from tetra.ml.features.spec import FeatureSetError, Param
from tetra.ml.inputs import EARNINGS_NOTICE_DAYS
from tetra.ml.panel import decision_rows

ACTIONS = ("split", "dividend")


def days_to_earnings(context: FeatureContext, /) -> np.ndarray:
    """Calendar days to the next announced report date (0 on the day), else NaN."""
    days = _days(context)
    out = np.full(context.panel.shape, np.nan)
    for n, reports in _reports(context):
        following = np.searchsorted(reports, days, side="left")
        found = following < len(reports)
        gap = (reports[np.minimum(following, len(reports) - 1)] - days).astype(np.float64)
        out[:, n] = np.where(found & (gap <= EARNINGS_NOTICE_DAYS), gap, np.nan)
    return out


def days_since_earnings(context: FeatureContext, /) -> np.ndarray:
    """Calendar days since the last report date on or before the day, else NaN."""
    days = _days(context)
    out = np.full(context.panel.shape, np.nan)
    for n, reports in _reports(context):
        out[:, n] = _since(reports, days)
    return out


def days_since_action(context: FeatureContext, /, action: Param) -> np.ndarray:
    """Calendar days since the last split or dividend ex-date on or before the day."""
    if action not in ACTIONS:
        raise FeatureSetError(f"days_since_action: action must be one of {ACTIONS}, not {action!r}")
    market = context.inputs.market
    happened = market.split_ratio != 1.0 if action == "split" else market.dividend > 0.0
    market_days = market.dates.astype("datetime64[D]")
    days = _days(context)
    keep = decision_rows(market)
    out = np.full(context.panel.shape, np.nan)
    for n in range(market.shape[1]):
        events = market_days[happened[:, n] & (np.arange(market.shape[0]) <= keep[-1])]
        out[:, n] = _since(events, days)
    return out


def _since(events: np.ndarray, days: np.ndarray) -> np.ndarray:
    if len(events) == 0:
        return np.full(len(days), np.nan)
    last = np.searchsorted(events, days, side="right") - 1
    gap = (days - events[np.maximum(last, 0)]).astype(np.float64)
    return np.where(last >= 0, gap, np.nan)


def _days(context: FeatureContext) -> np.ndarray:
    return context.panel.dates.astype("datetime64[D]")


def _reports(context: FeatureContext) -> list[tuple[int, np.ndarray]]:
    earnings = context.inputs.earnings
    found = []
    for n, symbol in enumerate(context.panel.symbols):
        dates = earnings.loc[earnings["symbol"] == symbol, "report_date"]
        reports = np.unique(dates.to_numpy(dtype="datetime64[D]"))
        if len(reports):
            found.append((n, reports))
    return found


register_kind("days_to_earnings", days_to_earnings)
register_kind("days_since_earnings", days_since_earnings)
register_kind("days_since_action", days_since_action)
