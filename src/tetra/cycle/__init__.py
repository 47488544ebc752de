"""The daily decision cycle: books' strategies -> recommendations with reasoning -> paper fills.

Map: `sleeves` (each strategy of a book backtested to the session with a flat bar after it:
its targets), `reasoning` (rule, indicators with percentiles, track record), `members` (a
book's group members on the session), `decide` (targets to recommendations), `risk_gate`
(tetra.risk's pre-trade engine on each one), `paper` (fills at the next open), `records`
(cycle.runs, cycle.recommendations), `runner` (run_cycle, replay).
"""

from tetra.cycle.decide import Recommendation
from tetra.cycle.records import RunRecord, read_recommendations, read_run, runs
from tetra.cycle.runner import (
    CycleContext,
    CycleResult,
    cycle_day,
    latest_session,
    replay,
    run_cycle,
)

__all__ = [
    "CycleContext",
    "CycleResult",
    "Recommendation",
    "RunRecord",
    "cycle_day",
    "latest_session",
    "read_recommendations",
    "read_run",
    "replay",
    "run_cycle",
    "runs",
]
