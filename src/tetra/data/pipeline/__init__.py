"""One pipeline, two modes: daily (a recent window, revisions included) and backfill.

Map: `plan.py` says what a run will do (mode, window, steps, symbols); `steps.py` fetches and
ingests per symbol with bounded concurrency; `runner.py` runs the steps concurrently, then
the data-quality step, and records the run; `records.py` keeps ``ops.ingest_runs`` (and
marks runs whose process died as abandoned); `owners.py` says which process owns a run.
Sources arrive through `Sources`, chosen by a composition root (the CLI or the scheduler);
the pipeline knows only the source Protocols.
"""

from tetra.data.pipeline.plan import (
    Mode,
    RunPlan,
    RunStatus,
    Step,
    StepStatus,
    backfill_window,
    daily_window,
    select_steps,
)
from tetra.data.pipeline.records import mark_abandoned
from tetra.data.pipeline.runner import Pipeline, RunResult
from tetra.data.pipeline.steps import Sources, StepResult

__all__ = [
    "Mode",
    "Pipeline",
    "RunPlan",
    "RunResult",
    "RunStatus",
    "Sources",
    "Step",
    "StepResult",
    "StepStatus",
    "backfill_window",
    "daily_window",
    "mark_abandoned",
    "select_steps",
]
