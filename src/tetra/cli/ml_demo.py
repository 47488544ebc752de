"""What `tetra demo` shows of machine learning: one small model, its IC against the baseline.

A ridge model on 24 sample symbols over four years, price/volume, cross-sectional and macro
features, 5-day excess returns, anchored walk-forward with purging; tracked in MLflow and
registered as ``demo-ridge``, then today's predictions written to ``derived.predictions``.
"""

from __future__ import annotations

import datetime as dt

from tetra.cli.common import console
from tetra.cli.ml_views import backtest_table, signal_table
from tetra.data.ports import Store
from tetra.ml.spec import TrainSpec

DEMO_SYMBOLS = (
    "SPY", "QQQ", "IWM", "EFA", "VWO", "TLT", "IEF", "GLD", "XLE", "XLF", "XLK", "XLV",
    "AAPL", "MSFT", "NVDA", "AMZN", "GOOGL", "META", "JPM", "XOM", "JNJ", "PG", "V", "COST",
)  # fmt: skip
DEMO_SPEC = TrainSpec.model_validate(
    {
        "name": "demo-ridge", "model": "linear", "params": {"alpha": 10.0},
        "feature_sets": ("price_volume", "cross_section", "macro"), "horizon": 5,
        "validation": "walk_forward", "train_days": 504, "test_days": 63, "embargo": 5,
        "signal": {"top_k": 5, "rebalance": 5},
    }
)  # fmt: skip


def print_demo_model(store: Store, end: dt.date) -> None:
    """Train, track and register the demo model, print it beside the baseline, predict today."""
    try:
        from tetra.cli.ml import tracker
        from tetra.ml.service import predict_and_store, stored_symbols, train_and_track
    except ImportError as error:  # the `ml` extra is not installed
        console.print(f"[yellow]ML demo skipped ({error.name} missing): pip install 'tetra[ml]'[/]")
        return
    symbols = [s for s in DEMO_SYMBOLS if s in set(stored_symbols(store))]
    tracking = tracker()
    result = train_and_track(
        store, tracking, DEMO_SPEC, symbols, end.replace(year=end.year - 4), end
    )
    evaluation = result.evaluation
    title = f"ML on the SAMPLE universe: {DEMO_SPEC.name} v{result.version}, out of sample"
    signal_table(title, evaluation.summary, evaluation.baseline_summary)
    backtest_table(evaluation.backtest.metrics, evaluation.baseline_backtest.metrics)
    _, predictions = predict_and_store(
        store, tracking, DEMO_SPEC.name, version=result.version, book=None, start=None, end=end,
        now=dt.datetime.now(dt.UTC),
    )  # fmt: skip
    best = predictions.sort_values("score", ascending=False)["symbol"].head(5)
    console.print(
        f"tracked in MLflow (run {result.run_id}); today's top 5: {', '.join(best)}; "
        "more: `tetra ml --help`"
    )
