"""Limit measures: weights, buckets, leverage, correlation and losses against hand counts."""

from __future__ import annotations

import numpy as np
import pytest

from tetra.core.errors import ValidationError
from tetra.risk import LimitEvaluator, LimitKind, RiskPolicy, policy_arrays

SYMBOLS = ("SPY", "QQQ", "BTC", "ETH", "NVDA")


def evaluator(**limits: object) -> LimitEvaluator:
    return LimitEvaluator(RiskPolicy(**limits), SYMBOLS)


def test_position_weight_reports_the_worst_symbol() -> None:
    check = evaluator(max_position_weight=0.2).check(
        np.array([0.1, -0.25, 0.0, 0.05, 0.2]), [100.0]
    )

    reading = check.reading(LimitKind.POSITION_WEIGHT)
    assert (reading.subject, reading.value, reading.cap) == ("QQQ", 0.25, 0.2)
    assert reading.usage == pytest.approx(1.25)
    assert reading.breached


def test_group_theme_and_class_buckets_sum_absolute_weights() -> None:
    ev = evaluator(
        group_caps={"crypto": 0.1}, theme_caps={"layer1": 0.5}, asset_class_caps={"etf": 1.0}
    )

    check = ev.check(np.array([0.3, 0.2, 0.06, -0.06, 0.15]), [1.0])

    crypto = check.reading(LimitKind.GROUP_EXPOSURE)
    assert (crypto.subject, crypto.value) == ("crypto", pytest.approx(0.12))
    assert crypto.breached
    layer1 = check.reading(LimitKind.THEME_EXPOSURE)  # BTC and ETH carry "layer1"
    assert (layer1.subject, layer1.value) == ("layer1", pytest.approx(0.12))
    assert not layer1.breached
    etf = check.reading(LimitKind.ASSET_CLASS_EXPOSURE)
    assert (etf.subject, etf.value, etf.breached) == ("etf", pytest.approx(0.5), False)


def test_zero_cap_bucket_breaches_on_any_holding() -> None:
    check = evaluator(group_caps={"crypto": 0.0}).check(np.array([0, 0, 0.001, 0, 0]), [1.0])

    assert check.reading(LimitKind.GROUP_EXPOSURE).usage == np.inf


def test_gross_and_net_leverage() -> None:
    check = evaluator(max_gross_leverage=1.5, max_net_leverage=0.5).check(
        np.array([0.8, -0.4, 0.2, np.nan, 0.0]), [1.0]
    )

    assert check.reading(LimitKind.GROSS_LEVERAGE).value == pytest.approx(1.4)
    assert not check.reading(LimitKind.GROSS_LEVERAGE).breached
    assert check.reading(LimitKind.NET_LEVERAGE).value == pytest.approx(0.6)
    assert check.reading(LimitKind.NET_LEVERAGE).breached


def test_daily_loss_against_previous_and_drawdown_against_peak() -> None:
    ev = evaluator(daily_loss_limit=0.05, max_drawdown=0.1)

    check = ev.check(np.zeros(5), [100.0, 120.0, 110.0, 104.0])

    assert check.reading(LimitKind.DAILY_LOSS).value == pytest.approx(6 / 110)
    assert check.reading(LimitKind.DAILY_LOSS).breached
    assert check.reading(LimitKind.DRAWDOWN).value == pytest.approx(16 / 120)
    assert check.reading(LimitKind.DRAWDOWN).breached


def test_correlated_weight_sums_the_holdings_moving_together() -> None:
    rng = np.random.default_rng(7)
    common = rng.normal(0, 0.01, 60)
    returns = np.column_stack(
        [
            common,
            common + rng.normal(0, 0.001, 60),
            rng.normal(0, 0.01, 60),
            common * 2,
            rng.normal(0, 0.01, 60),
        ]
    )
    returns[:5, 1] = np.nan  # a late listing: pairs use their common rows
    ev = evaluator(correlation={"threshold": 0.9, "cap": 0.3, "window": 60})

    check = ev.check(np.array([0.1, 0.15, 0.2, -0.1, 0.0]), [1.0], returns)

    reading = check.reading(LimitKind.CORRELATED_WEIGHT)
    assert reading.value == pytest.approx(0.35)  # SPY + QQQ + |ETH|; BTC independent
    assert reading.breached


def test_unset_limits_never_breach() -> None:
    check = evaluator().check(np.array([5.0, -5.0, 1.0, 1.0, 1.0]), [100.0, 1.0])

    assert check.breached == ()
    assert check.reading(LimitKind.GROSS_LEVERAGE).cap is None


def test_usage_table_lists_positions_and_buckets() -> None:
    ev = evaluator(max_position_weight=0.2, group_caps={"crypto": 0.1, "largest_etfs": 0.6})

    rows = ev.usage_table(np.array([0.1, 0.3, 0.05, 0.0, 0.0]))

    assert [(r.kind, r.subject) for r in rows] == [
        (LimitKind.POSITION_WEIGHT, "SPY"),
        (LimitKind.POSITION_WEIGHT, "QQQ"),
        (LimitKind.POSITION_WEIGHT, "BTC"),
        (LimitKind.GROUP_EXPOSURE, "crypto"),
        (LimitKind.GROUP_EXPOSURE, "largest_etfs"),
    ]
    assert [r.breached for r in rows] == [False, True, False, False, False]


def test_arrays_lay_out_buckets_and_rules() -> None:
    policy = RiskPolicy(group_caps={"crypto": 0.1}, max_drawdown=0.2, persistence=3)

    arrays = policy_arrays(policy, SYMBOLS)

    assert arrays.bucket_members.tolist() == [[0, 0, 1, 1, 0]]
    assert arrays.bucket_kind.tolist() == [LimitKind.GROUP_EXPOSURE.code]
    assert arrays.limit_cap[LimitKind.DRAWDOWN.code] == 0.2
    assert arrays.limit_cap[LimitKind.GROSS_LEVERAGE.code] == np.inf
    assert arrays.persistence.tolist() == [3] * len(LimitKind)
    assert arrays.latch[LimitKind.DRAWDOWN.code] == 1
    assert arrays.response[LimitKind.DRAWDOWN.code] == 2


@pytest.mark.parametrize(
    ("weights", "equity"),
    [(np.zeros(4), [1.0]), (np.zeros(5), []), (np.zeros(5), [1.0, np.nan])],
)
def test_bad_shapes_and_nan_equity_are_refused(weights: np.ndarray, equity: list[float]) -> None:
    with pytest.raises(ValidationError):
        evaluator().check(weights, equity)
