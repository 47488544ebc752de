"""`SizingPolicy`: methods and settings validated by name, composed sizers, quantities."""

from __future__ import annotations

import math
import re
import tomllib

import numpy as np
import pytest

from tetra.risk import sizing as s
from tetra.risk.policy import RiskPolicyError, parse_policy
from tetra.risk.sizing_policy import (
    SizingPolicy,
    SizingPolicyError,
    parse_sizing,
    parse_sizing_option,
)


def test_a_full_policy_composes_method_then_book_target_then_caps() -> None:
    policy = parse_sizing({"method": "inverse_volatility", "book_volatility": 0.1,
                           "max_weight": 0.2, "max_gross": 0.8})  # fmt: skip

    assert policy.sizer() == s.Capped(
        s.VolatilityTargetBook(s.InverseVolatility(1.0), 0.1, 0.8), 0.2, 0.8
    )


@pytest.mark.parametrize(
    ("document", "field", "words"),
    [
        ({"method": "volatility_target"}, "target", "volatility_target needs target"),
        ({"method": "fixed_risk", "risk": 1.5}, "risk", "less than 1"),
        ({"method": "equal_weight", "risk": 0.01}, "risk", "does not use risk (it takes gross)"),
        ({"method": "kelly", "target": 0.1}, "target", "it takes fraction, cap"),
        ({"method": "martingale"}, "method", "'equal_weight'"),
        ({"method": "equal_weight", "lookback": 1}, "lookback", "greater than or equal to 2"),
        ({"method": "equal_weight", "gros": 1.0}, "gros", "Extra inputs"),
    ],
)
def test_bad_settings_are_refused_naming_the_field(
    document: dict[str, object], field: str, words: str
) -> None:
    with pytest.raises(SizingPolicyError, match=re.escape(words)) as caught:
        parse_sizing(document)

    assert caught.value.field == field


def test_the_cli_option_reads_method_and_settings() -> None:
    policy = parse_sizing_option("volatility_target:target=0.1, max_weight=0.25,lookback=20")

    assert policy == SizingPolicy(method="volatility_target", target=0.1, max_weight=0.25,
                                  lookback=20)  # fmt: skip
    assert parse_sizing_option("equal_weight") == SizingPolicy(method="equal_weight")
    with pytest.raises(SizingPolicyError, match="'target' is not key=value"):
        parse_sizing_option("volatility_target:target")


def test_a_risk_policy_sizing_table_is_checked_with_the_rest() -> None:
    document = tomllib.loads('max_gross_leverage = 1.0\n[sizing]\nmethod = "fixed_risk"\n')

    with pytest.raises(RiskPolicyError, match=r"sizing\.risk: fixed_risk needs risk") as caught:
        parse_policy(document, source="book.toml")

    assert caught.value.field == "sizing.risk"
    good = parse_policy({"sizing": {"method": "fixed_risk", "risk": 0.01}})
    assert good.sizing == SizingPolicy(method="fixed_risk", risk=0.01)
    assert good.limits == ()  # sizing is no limit


def test_volatility_target_quantities_are_whole_for_a_stock_and_fractional_for_crypto() -> None:
    # Arrange: 4 returns of +-1 % (SPY) and +-4 % (BTC): sample std = move * sqrt(4/3)
    moves = np.array([0.01, 0.04])
    steps = np.array([[1.0, 1.0], *[1 + moves * (1 if k % 2 else -1) for k in range(1, 5)]])
    closes = np.array([100.0, 30_000.0]) * np.cumprod(steps, axis=0)
    policy = SizingPolicy(method="volatility_target", target=0.10, lookback=4)

    units = policy.quantities(closes, np.array([1.0, -1.0]), 100_000.0, ("SPY", "BTC"))

    weights = 0.10 / (moves * math.sqrt(4 / 3) * math.sqrt(252))
    value = weights * 100_000.0 / closes[-1]
    assert units[0] == math.floor(value[0]) == 545
    assert units[1] == pytest.approx(-math.floor(value[1] * 1e8) / 1e8, abs=1e-12)
    assert units[1] != round(units[1])
