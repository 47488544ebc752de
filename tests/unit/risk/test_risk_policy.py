"""RiskPolicy: built from TOML or Python, and every inconsistency named at load time."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from tetra.model.instruments import AssetClass, UniverseGroup
from tetra.risk import (
    CorrelationLimit,
    LimitKind,
    RiskPolicy,
    RiskPolicyError,
    TradingState,
    load_policy,
    parse_policy,
)

FULL_TOML = """
max_position_weight = 0.10
max_gross_leverage = 1.0
max_net_leverage = 0.8
daily_loss_limit = 0.03
max_drawdown = 0.15
persistence = 3
group_caps = { crypto = 0.10 }
theme_caps = { quantum = 0.05 }
asset_class_caps = { equity = 0.8 }
correlation = { threshold = 0.8, cap = 0.30, window = 60 }
orders = { max_notional = 50000, price_band = 0.10, max_submits = 100, per_seconds = 1 }

[on_breach.daily_loss]
state = "halted"
persistence = 1
"""


def test_toml_policy_loads_every_field(tmp_path: Path) -> None:
    path = tmp_path / "policy.toml"
    path.write_text(FULL_TOML)

    policy = load_policy(path)

    assert policy.max_position_weight == 0.10
    assert policy.group_caps == {UniverseGroup.CRYPTO: 0.10}
    assert policy.asset_class_caps == {AssetClass.EQUITY: 0.8}
    assert policy.correlation == CorrelationLimit(threshold=0.8, cap=0.3, window=60)
    assert policy.orders.max_submits == 100
    assert policy.limits == tuple(LimitKind)


def test_python_policy_equals_the_same_toml_policy(tmp_path: Path) -> None:
    path = tmp_path / "policy.toml"
    path.write_text("max_drawdown = 0.2\ngroup_caps = { crypto = 0.1 }\n")

    built = RiskPolicy(max_drawdown=0.2, group_caps={"crypto": 0.1})

    assert built == load_policy(path)


def test_breach_rules_default_and_override() -> None:
    policy = parse_policy(
        {
            "daily_loss_limit": 0.03,
            "max_drawdown": 0.15,
            "max_gross_leverage": 1.0,
            "on_breach": {"daily_loss": {"state": "halted", "persistence": 1}},
        }
    )

    assert policy.response(LimitKind.DAILY_LOSS) is TradingState.HALTED
    assert policy.persistence_of(LimitKind.DAILY_LOSS) == 1
    assert policy.response(LimitKind.GROSS_LEVERAGE) is TradingState.REDUCING
    assert policy.persistence_of(LimitKind.GROSS_LEVERAGE) == 2
    assert policy.response(LimitKind.DRAWDOWN) is TradingState.HALTED
    assert policy.latched(LimitKind.DRAWDOWN)
    assert not policy.latched(LimitKind.DAILY_LOSS)


def test_policy_is_frozen() -> None:
    policy = RiskPolicy(max_drawdown=0.2)

    with pytest.raises(ValueError, match="frozen"):
        policy.max_drawdown = 0.5  # type: ignore[misc]


BAD_POLICIES = [
    ({"group_caps": {"crypto": -0.1}}, "group_caps", "below zero"),
    ({"theme_caps": {"quantum": -1.0}}, "theme_caps", "below zero"),
    ({"group_caps": {"meme_coins": 0.1}}, "group_caps", "unknown group 'meme_coins'"),
    ({"theme_caps": {"quantumm": 0.1}}, "theme_caps", "did you mean quantum"),
    ({"asset_class_caps": {"bonds": 0.1}}, "asset_class_caps", "bonds"),
    ({"max_position_weight": math.nan}, "max_position_weight", "finite"),
    ({"max_drawdown": math.inf}, "max_drawdown", "finite"),
    ({"max_position_weight": 0.0}, "max_position_weight", "greater than 0"),
    ({"max_drawdown": 1.5}, "max_drawdown", "less than 1"),
    ({"max_gross_leverage": 1.0, "max_net_leverage": 1.5}, "max_net_leverage", "never exceed"),
    (
        {"max_position_weight": 0.2, "correlation": {"threshold": 0.8, "cap": 0.1, "window": 60}},
        "correlation.cap",
        "unreachable",
    ),
    ({"daily_loss_limit": 0.2, "max_drawdown": 0.1}, "daily_loss_limit", "could never act"),
    ({"on_breach": {"drawdown": {"state": "halted"}}}, "on_breach.drawdown", "no drawdown"),
    ({"max_drawdown": 0.1, "on_breach": {"drawdown": {"state": "active"}}}, "on_breach", "halted"),
    ({"correlation": {"threshold": 1.5, "cap": 0.3, "window": 60}}, "correlation.threshold", ""),
    ({"correlation": {"threshold": 0.8, "cap": 0.3, "window": 1}}, "correlation.window", ""),
    ({"persistence": 0}, "persistence", "greater than or equal to 1"),
    ({"max_leverage": 2.0}, "max_leverage", "Extra inputs"),
    ({"orders": {"max_notional": -5}}, "orders.max_notional", "greater than 0"),
]


@pytest.mark.parametrize(("document", "field", "words"), BAD_POLICIES)
def test_bad_policy_raises_naming_the_field(
    document: dict[str, object], field: str, words: str
) -> None:
    with pytest.raises(RiskPolicyError) as raised:
        parse_policy(document)

    assert raised.value.field.startswith(field)
    assert field in str(raised.value)
    assert words in str(raised.value)


def test_python_construction_raises_the_same_error() -> None:
    with pytest.raises(RiskPolicyError, match="max_net_leverage"):
        RiskPolicy(max_gross_leverage=1.0, max_net_leverage=2.0)


def test_unreadable_toml_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.toml"
    path.write_text("max_drawdown = = 0.2")

    with pytest.raises(RiskPolicyError, match=r"broken\.toml"):
        load_policy(path)


def test_toml_errors_name_the_file_and_field(tmp_path: Path) -> None:
    path = tmp_path / "policy.toml"
    path.write_text("max_drawdown = nan\n")

    with pytest.raises(RiskPolicyError, match=r"policy.toml: max_drawdown"):
        load_policy(path)
