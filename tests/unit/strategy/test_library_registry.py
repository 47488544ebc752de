"""STRATEGIES: every library strategy by name, default-constructible, on both paths."""

from __future__ import annotations

import pydantic
import pytest

from tetra.strategy.library import STRATEGIES


def test_registry_names_every_library_strategy() -> None:
    assert sorted(STRATEGIES) == [
        "bollinger_reversion",
        "butterfly",
        "buy_and_hold",
        "ml_signal",
        "momentum",
        "pair",
        "rsi_reversion",
        "sma_crossover",
        "switch",
    ]


@pytest.mark.parametrize("name", sorted(STRATEGIES))
def test_each_strategy_builds_from_defaults_and_runs_on_both_paths(name: str) -> None:
    strategy = STRATEGIES[name]()

    assert strategy.name == name
    assert strategy.compiled
    assert strategy.per_bar
    assert strategy.describe().startswith(f"{name}(")


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("sma_crossover", {"fast": 50, "slow": 20}),
        ("sma_crossover", {"fast": 20, "slow": 20}),
        ("sma_crossover", {"fast": -1}),
        ("momentum", {"lookback": -5}),
        ("switch", {"lookback": -1}),
        ("butterfly", {"window": -2}),
        ("pair", {"window": -6}),
        ("bollinger_reversion", {"period": 0}),
        ("buy_and_hold", {"unknown": 1}),
        ("ml_signal", {"top_k": 0}),
        ("ml_signal", {"quantile": 0.7}),
    ],
)
def test_invalid_parameters_are_rejected_before_anything_runs(
    name: str, params: dict[str, object]
) -> None:
    with pytest.raises(pydantic.ValidationError):
        STRATEGIES[name](**params)
