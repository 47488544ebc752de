"""Version 2 of the spec: a universe group instead of symbols, rebalancing, the risk policy,
and version 1 specs still loading."""

from __future__ import annotations

import json

import numpy as np
import pytest
from strategy_tables import table

from tetra.backtest.run import run_backtest
from tetra.strategy.spec import SPEC_VERSION, SpecRejected, compile_spec, spec_hash, validate_spec
from tetra.strategy.spec.compile import resolve_universe, sizing_policy

MEMBERS = {
    "ai_infrastructure": ["NVDA", "AMD", "SMH"],
    "largest_etfs": [f"E{n}" for n in range(31)],
}
HOLD = {"strategy": {"kind": "library", "name": "buy_and_hold"}}


def _market(symbols: tuple[str, ...], rows: int = 130) -> object:
    rng = np.random.default_rng(3)
    walks = 100 * np.exp(np.cumsum(rng.normal(0, 0.01, (rows, len(symbols))), axis=0))
    return table(start="2024-01-01", **{s: list(walks[:, n]) for n, s in enumerate(symbols)})


def test_a_version_1_spec_loads_as_version_2_with_its_schedule_moved_to_rebalance() -> None:
    version_1 = {
        "spec_version": 1,
        "strategy": {"kind": "library", "name": "momentum",
                     "params": {"top_n": 2, "rebalance": "month_end"}},
        "symbols": ["SPY", "TLT", "GLD"],
        "risk": {"max_drawdown": None},
    }  # fmt: skip

    spec = validate_spec(json.dumps(version_1))

    assert spec.spec_version == SPEC_VERSION == 2
    assert spec.rebalance == "monthly"
    assert dict(spec.strategy.params) == {"top_n": 2}  # type: ignore[union-attr]
    assert compile_spec(spec).config.rebalance == "month_end"  # type: ignore[attr-defined]


def test_a_schedule_given_twice_differently_is_rejected() -> None:
    spec = {"strategy": {"kind": "library", "name": "momentum", "params": {"rebalance": 5}},
            "symbols": ["SPY", "TLT"], "rebalance": "monthly"}  # fmt: skip

    with pytest.raises(SpecRejected, match="rebalance is given twice"):
        validate_spec(spec)


def test_rebalancing_a_rule_strategy_is_rejected_with_where_it_applies() -> None:
    rules = {"kind": "rules", "entry": [{"kind": "calendar", "rule": "month_end"}],
             "stop": {"percent": 5}}  # fmt: skip

    with pytest.raises(SpecRejected, match="rebalance applies to momentum and buy_and_hold"):
        validate_spec({"strategy": rules, "symbols": ["SPY"], "rebalance": "weekly"})


@pytest.mark.parametrize(
    ("edit", "reason"),
    [
        ({}, "name the symbols or a universe group"),
        ({"universe": {"group": "AI; DROP"}}, "String should match pattern"),
        ({"symbols": ["SPY"], "rebalance": "hourly"}, "Input should be"),
        ({"symbols": ["SPY"], "rebalance": 0}, "greater than or equal to 1"),
        ({"symbols": ["SPY"], "risk": {"policy": "../etc/passwd"}}, "String should match pattern"),
    ],
)
def test_the_new_fields_are_bounded(edit: dict[str, object], reason: str) -> None:
    with pytest.raises(SpecRejected) as rejected:
        validate_spec({**HOLD, **edit})

    assert any(reason in r for r in rejected.value.reasons), rejected.value.reasons


def test_a_universe_resolves_to_its_members_sorted_and_the_same_way_every_time() -> None:
    spec = validate_spec({**HOLD, "universe": {"group": "ai_infrastructure"}})

    first, again = resolve_universe(spec, MEMBERS), resolve_universe(spec, dict(MEMBERS))

    assert first.symbols == ("AMD", "NVDA", "SMH")
    assert first.universe == spec.universe
    assert spec_hash(first) == spec_hash(again)
    with pytest.raises(SpecRejected, match="resolve the spec's universe group"):
        compile_spec(spec)


def test_an_unknown_or_too_large_group_is_refused_with_a_clear_reason() -> None:
    unknown = validate_spec({**HOLD, "universe": {"group": "moon_shots"}})
    large = validate_spec({**HOLD, "universe": {"group": "largest_etfs"}})

    with pytest.raises(SpecRejected, match=r"no group 'moon_shots' \(known: ai_infrastructure"):
        resolve_universe(unknown, MEMBERS)
    with pytest.raises(SpecRejected, match="largest_etfs has 31 symbols; a spec trades 1 to 30"):
        resolve_universe(large, MEMBERS)


def test_a_resolved_pair_is_checked_for_its_legs() -> None:
    pair = validate_spec({"strategy": {"kind": "library", "name": "pair"},
                          "universe": {"group": "ai_infrastructure"}})  # fmt: skip

    with pytest.raises(SpecRejected, match="pair trades 2 symbols, not 3"):
        resolve_universe(pair, MEMBERS)


def test_weighted_buy_and_hold_goes_back_to_its_weights_at_each_month_end() -> None:
    weights = {"SPY": 0.6, "TLT": 0.4}
    once = validate_spec({**HOLD, "symbols": ["SPY", "TLT"], "weights": weights})
    monthly = validate_spec({**HOLD, "symbols": ["SPY", "TLT"], "weights": weights,
                             "rebalance": "monthly"})  # fmt: skip
    market = _market(("SPY", "TLT"))

    bought_once = np.isfinite(compile_spec(once).orders(market).size).any(axis=1)  # type: ignore[arg-type]
    rebalanced = compile_spec(monthly).orders(market).size  # type: ignore[arg-type]

    assert np.flatnonzero(bought_once).tolist() == [0]
    days = np.flatnonzero(np.isfinite(rebalanced).any(axis=1))
    assert len(days) == 1 + 6  # the first bar, then the month ends of January to June
    np.testing.assert_allclose(rebalanced[days], [[0.6, 0.4]] * len(days))


def test_sizing_is_checked_by_the_risk_layers_policy_and_sizes_the_entries() -> None:
    rules = {"kind": "rules", "entry": [{"kind": "calendar", "rule": "month_end"}],
             "stop": {"percent": 5}}  # fmt: skip
    base = {"strategy": rules, "symbols": ["SPY", "TLT"]}
    market = _market(("SPY", "TLT"), rows=300)

    with pytest.raises(SpecRejected, match=r"sizing\..*volatility_target needs target"):
        validate_spec({**base, "sizing": {"method": "volatility_target"}})
    with pytest.raises(SpecRejected, match="does not use gross"):
        validate_spec({**base, "sizing": {"method": "fixed_risk", "risk": 0.01, "gross": 1}})
    with pytest.raises(SpecRejected, match="less than or equal to 1"):
        validate_spec({**base, "sizing": {"method": "volatility_target", "target": 5}})
    sized = validate_spec({**base, "sizing": {"method": "volatility_target", "target": 0.02}})
    plain = validate_spec(base)

    small = run_backtest(compile_spec(sized), market, sizing=sizing_policy(sized), guards=False)
    full = run_backtest(compile_spec(plain), market, guards=False)

    assert sizing_policy(plain) is None
    assert len(small.output.fills) > 0
    assert len(full.output.fills) > 0
    assert small.equity.pct_change().std() < full.equity.pct_change().std() / 2
