"""Training plus purged cross-validation of the gradient-boosting model, against the naive way.

On every feature set of the whole sample universe (151 symbols x 10 years, 5-day excess
returns), the same LightGBM model (Tetra's defaults) and the same six contiguous folds:

- **Tetra**: `cross_validate` with purged CPCV (6 groups, 1 test group: six splits, labels
  overlapping a test block purged, 5-day embargo), then the final fit on every row;
- **naive**: scikit-learn's defaults, ``cross_val_predict(model, X, y, cv=KFold(6))``
  (contiguous folds, nothing purged), then the final fit; and the same with
  ``KFold(6, shuffle=True)``, the common mistake of shuffling overlapping labels.

Reported: seconds for each, peak RSS, and each one's out-of-sample IC: the naive splits
train on labels that overlap their test days, so their IC is flattered; the shuffled one most.
Gates: every Tetra training day's label ends before its test block starts or starts after it
plus the embargo; out-of-sample predictions cover most rows (every row is in a test fold).
Run: ``python -m benchmarks.ml_training`` (or ``make bench-ml``), after ``tetra demo``.
"""

from __future__ import annotations

import resource
import time
from typing import Any

import numpy as np
from sklearn.model_selection import KFold, cross_val_predict

from benchmarks.ml_common import sample_copy, save
from tetra.ml.inputs import load_inputs
from tetra.ml.labels import label_span
from tetra.ml.models import make_model
from tetra.ml.models.gbm import DEFAULTS, FIXED
from tetra.ml.service import stored_symbols, stored_window
from tetra.ml.spec import TrainSpec
from tetra.ml.training import Prepared, cross_validate, make_splits, prepare
from tetra.ml.validation import daily_metrics, summarise

SPEC = TrainSpec.model_validate(
    {"model": "lightgbm", "validation": "cpcv", "groups": 6, "test_groups": 1, "embargo": 5,
     "horizon": 5, "seed": 0}
)  # fmt: skip


def main() -> int:
    with sample_copy() as store:
        symbols = stored_symbols(store)
        first, last = stored_window(store)
        inputs = load_inputs(store, symbols, first, last)
    prepared = prepare(inputs, SPEC)
    data = prepared.dataset
    row: dict[str, Any] = {"rows": len(data.labels), "features": len(data.names)}
    row.update(tetra_run(prepared))
    for name, folds in (
        ("naive", KFold(6)),
        ("naive_shuffled", KFold(6, shuffle=True, random_state=0)),
    ):
        row.update(naive_run(prepared, name, folds))
    row["purged_ok"] = purged(prepared)
    row["correct"] = row["purged_ok"] and all(
        row[f"{n}_finite"] for n in ("tetra", "naive", "naive_shuffled")
    )
    save("ml_training", row)
    return 0 if row["correct"] else 1


def tetra_run(prepared: Prepared) -> dict[str, Any]:
    started = time.perf_counter()
    predictions, _ = cross_validate(prepared, SPEC)
    final = make_model(SPEC.model, SPEC.params, seed=SPEC.seed)
    final.fit(prepared.dataset.features, prepared.dataset.labels, prepared.dataset.names)
    seconds = time.perf_counter() - started
    return _scored("tetra", predictions, prepared, seconds)


def naive_run(prepared: Prepared, name: str, folds: KFold) -> dict[str, Any]:
    import lightgbm

    data = prepared.dataset
    model = lightgbm.LGBMRegressor(**DEFAULTS, **FIXED, random_state=0)
    started = time.perf_counter()
    rows = cross_val_predict(model, data.features, data.labels, cv=folds)
    model.fit(data.features, data.labels)
    seconds = time.perf_counter() - started
    return _scored(name, data.to_panel(rows), prepared, seconds)


def _scored(name: str, panel: np.ndarray, prepared: Prepared, seconds: float) -> dict[str, Any]:
    data = prepared.dataset
    covered = panel[data.day, data.symbol]
    summary = summarise(daily_metrics(panel, prepared.forward), SPEC.horizon)
    return {
        f"{name}_s": round(seconds, 2),
        f"{name}_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        f"{name}_ic": summary.ic,
        f"{name}_rank_ic": summary.rank_ic,
        f"{name}_finite": bool(np.isfinite(covered).mean() > 0.5),
    }


def purged(prepared: Prepared) -> bool:
    span, embargo = label_span(SPEC.horizon), SPEC.embargo
    for split in make_splits(prepared, SPEC):
        first, last = int(split.test.min()), int(split.test.max())
        train = split.train
        ends = train + span
        inside = (ends >= first) & (train <= last + span + embargo)
        if inside.any():
            return False
    return True


if __name__ == "__main__":
    raise SystemExit(main())
