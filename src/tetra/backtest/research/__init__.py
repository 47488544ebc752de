"""Research on top of the engines: parameter sweeps, walk-forward analysis, stored runs.

Map: `sweep` (one compiled backtest per grid combination, in parallel), `walk_forward`
(folds, in-sample choice, out-of-sample test with warm-up, stitched equity), `persist`
(runs into the ``strategies`` schema and back), `members` (``@group`` symbols: every member
of the run, entered only while in), `params` (``name=value`` text and the
strategy registry, for the CLI), `views` (results as rows of text).
"""

from tetra.backtest.research.persist import RunRecord, StoredRun, load_run, save_run
from tetra.backtest.research.sweep import sweep
from tetra.backtest.research.walk_forward import Fold, WalkForwardResult, folds, walk_forward

__all__ = [
    "Fold",
    "RunRecord",
    "StoredRun",
    "WalkForwardResult",
    "folds",
    "load_run",
    "save_run",
    "sweep",
    "walk_forward",
]
