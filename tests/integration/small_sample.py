"""A small sample store for CLI suites: a few symbols, two years, loaded by the real pipeline."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from tetra.cli.pipeline import build_plan, run_with_progress
from tetra.cli.sources import sample_sources
from tetra.data.pipeline import Mode, Step
from tetra.data.sources import Window
from tetra.data.store_kind import StoreKind
from tetra.data.universe import Universe, load_universe
from tetra.sample import SampleSpec


def load_small_sample(
    data_dir: Path,
    symbols: Sequence[str],
    steps: Sequence[Step] = (Step.MARKET_DATA,),
    years: int = 2,
) -> Path:
    """Load `years` of `symbols` into the sample store under `data_dir`; return `data_dir`."""
    spec = SampleSpec(years=years)
    universe = load_universe()
    chosen = Universe(tuple(universe.get(symbol) for symbol in symbols))
    window = Window(spec.end.replace(year=spec.end.year - spec.years), spec.end)
    plan = build_plan(Mode.BACKFILL, window, chosen, tuple(steps), False, False)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TETRA_DATA_DIR", str(data_dir))
        patch.delenv("TETRA_SAMPLE_STORE_URL", raising=False)
        result = run_with_progress(
            StoreKind.SAMPLE, chosen, plan, sample_sources(list(chosen), spec)
        )
    assert result.status == "success"
    return data_dir
