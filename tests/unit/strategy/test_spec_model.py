"""The spec: closed and bounded, canonical hash, JSON schema, compilation and backtests."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from strategy_tables import run_both, table

from tetra.backtest.run import run_backtest
from tetra.market import MarketData
from tetra.strategy.spec import (
    SpecInputs,
    SpecRejected,
    canonical_json,
    compile_spec,
    json_schema,
    parse_idea,
    spec_hash,
    validate_spec,
)
from tetra.strategy.spec.compile import MacroThreshold, resolve_universe
from tetra.strategy.spec.evaluation import load_ideas
from tetra.strategy.spec.groups import packaged_members

RSI_IDEA = {
    "strategy": {
        "kind": "rules",
        "entry": [{"kind": "threshold", "series": {"indicator": "rsi", "period": 14}, "below": 30}],
        "exit": [{"kind": "threshold", "series": {"indicator": "rsi", "period": 14}, "above": 70}],
    },
    "symbols": ["SPY"],
}


def _market(symbols: tuple[str, ...], rows: int = 400, seed: int = 1) -> MarketData:
    rng = np.random.default_rng(seed)
    walks = 100 * np.exp(np.cumsum(rng.normal(0, 0.015, (rows, len(symbols))), axis=0))
    return table(start="2020-01-01", **{s: list(walks[:, n]) for n, s in enumerate(symbols)})


def test_the_same_spec_has_the_same_hash_whatever_the_key_order() -> None:
    shuffled = json.loads(json.dumps(RSI_IDEA, sort_keys=True))
    shuffled = {"symbols": shuffled["symbols"], "strategy": shuffled["strategy"]}

    assert spec_hash(validate_spec(RSI_IDEA)) == spec_hash(validate_spec(shuffled))


def test_a_changed_parameter_changes_the_hash() -> None:
    changed = json.loads(json.dumps(RSI_IDEA))
    changed["strategy"]["entry"][0]["below"] = 25

    assert spec_hash(validate_spec(RSI_IDEA)) != spec_hash(validate_spec(changed))


@pytest.mark.parametrize(
    ("edit", "reason"),
    [
        (
            lambda s: s["strategy"]["entry"][0]["series"].update(period=5000),
            "less than or equal to 400",
        ),
        (lambda s: s.update(code="import os"), "Extra inputs are not permitted"),
        (lambda s: s["strategy"]["entry"][0]["series"].update(indicator="exec"), "Input should be"),
        (lambda s: s.update(symbols=["spy; DROP TABLE"]), "String should match pattern"),
        (lambda s: s["strategy"].update(exit=[]), "needs an exit rule or a stop"),
        (lambda s: s.update(costs={"commission_bps": 500}), "less than or equal to 100"),
    ],
)
def test_out_of_bounds_or_unknown_fields_are_rejected_with_a_reason(edit, reason) -> None:  # type: ignore[no-untyped-def]
    spec = json.loads(json.dumps(RSI_IDEA))
    edit(spec)

    with pytest.raises(SpecRejected) as rejected:
        validate_spec(spec)

    assert any(reason in r for r in rejected.value.reasons), rejected.value.reasons


def test_library_parameters_are_checked_by_the_strategys_own_config() -> None:
    params = {"fast": 200, "slow": 50}
    spec = {"strategy": {"kind": "library", "name": "sma_crossover", "params": params}}
    spec["symbols"] = ["SPY"]

    with pytest.raises(SpecRejected, match="must be shorter than slow"):
        validate_spec(spec)


def test_a_pair_needs_exactly_two_symbols() -> None:
    spec = {"strategy": {"kind": "library", "name": "pair"}, "symbols": ["KO", "PEP", "SPY"]}

    with pytest.raises(SpecRejected, match="pair trades 2 symbols"):
        validate_spec(spec)


def test_text_that_is_not_json_is_rejected() -> None:
    with pytest.raises(SpecRejected, match="not JSON"):
        validate_spec("buy everything")


def test_the_exported_json_schema_is_current() -> None:
    exported = Path(__file__).parents[3] / "docs" / "strategy-spec.schema.json"

    assert json.loads(exported.read_text()) == json_schema(), "run: tetra chat strategy schema"


def test_every_spec_of_the_evaluation_set_compiles_and_backtests_the_same_twice() -> None:
    for idea in load_ideas():
        if not idea.expected:
            continue
        spec = resolve_universe(validate_spec(idea.expected), packaged_members())
        market = _market(spec.referenced_symbols())
        first = run_backtest(compile_spec(spec), market, guards=False)
        second = run_backtest(
            compile_spec(validate_spec(canonical_json(spec))), market, guards=False
        )
        np.testing.assert_array_equal(first.output.equity, second.output.equity, err_msg=idea.text)


def test_a_rule_spec_decides_the_same_on_both_paths_without_look_ahead() -> None:
    spec = parse_idea(
        "buy SPY when RSI(5) falls below 30 and sell above 60 with a stop at 1 ATR"
    ).spec
    market = _market(("SPY",), rows=300)

    result = run_both(compile_spec(spec), market)

    guarded = run_backtest(compile_spec(spec), market)
    assert len(result.fills) > 4
    assert not [w for w in guarded.warnings if "look-ahead" in w or "rerun" in w]


def test_a_percent_stop_exits_at_the_first_close_past_it() -> None:
    always = {"kind": "threshold", "series": {"indicator": "close"}, "above": 0}
    rules = {"kind": "rules", "entry": [always], "exit": [], "stop": {"percent": 10}}
    spec = validate_spec({"strategy": rules, "symbols": ["AAA"], "weight": 0.5})
    market = table(AAA=[100.0, 100.0, 95.0, 89.0, 89.0, 92.0])

    result = run_both(compile_spec(spec), market)

    # entry decided at row 0 (stop 90), fills row 1; 89 < 90 at row 3 exits at row 4's open;
    # the entry rule still holds, so row 4's close re-enters at row 5's open
    fills = zip(result.fills["ts"], result.fills["quantity"], strict=True)
    assert [(str(ts.date()), quantity > 0) for ts, quantity in fills] == [
        ("2024-01-02", True),
        ("2024-01-05", False),
        ("2024-01-08", True),
    ]


def test_a_macro_filter_reads_the_last_value_before_the_bars_day() -> None:
    market = table(AAA=[1.0, 1.0, 1.0, 1.0])  # 2024-01-01 .. 2024-01-04
    days = np.array(["2024-01-01", "2024-01-02", "2024-01-03"], dtype="datetime64[D]")
    vix = MacroThreshold("VIXCLS", days, np.array([20.0, 30.0, 20.0]), below=25.0)

    allowed = vix.evaluate(market)[:, 0]

    assert allowed.tolist() == [False, True, False, True]


def test_event_and_macro_inputs_reach_the_compiled_filters() -> None:
    spec = parse_idea("golden cross on QQQ but only when VIX is under 30").spec
    days = np.array(["2019-01-01"], dtype="datetime64[D]")

    strategy = compile_spec(spec, SpecInputs(macro={"VIXCLS": (days, np.array([40.0]))}))

    market = _market(("QQQ",), rows=500)
    assert len(run_backtest(strategy, market, guards=False).fills) == 0
