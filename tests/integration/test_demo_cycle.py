"""The demo's daily cycle on a small sample store: a paper book with stops, replayed to the
last close, and its start-of-day report's positions at risk."""

from __future__ import annotations

from pathlib import Path

import pytest
from small_sample import load_small_sample

from tetra.adapters.stores import open_store
from tetra.cli.cycle_demo import print_demo_cycle
from tetra.data.store_kind import StoreKind
from tetra.reports.daily import NEAR_STOP
from tetra.reports.daily_render import render_text

SYMBOLS = ("SPY", "QQQ", "TLT", "GLD")


@pytest.fixture(scope="module")
def sample_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return load_small_sample(tmp_path_factory.mktemp("demo-cycle") / "data", SYMBOLS)


def test_the_demo_books_report_checks_its_held_positions_against_its_stops(
    sample_dir: Path,
) -> None:
    store = open_store(str(sample_dir / "sample.duckdb"), StoreKind.SAMPLE)
    try:
        report = print_demo_cycle(store, SYMBOLS)
        again = print_demo_cycle(store, SYMBOLS)  # the demo twice: the same report
    finally:
        store.close()
    text = render_text(report)

    assert report.stops == {"stop_loss": 0.08, "trailing_stop": 0.10}
    assert any(p.quantity != 0 for p in report.positions)  # the replay's paper fills
    assert "Positions at risk" in text
    for line in report.at_risk:
        assert line.symbol in text
        assert (line.distance is not None and line.distance <= NEAR_STOP) or any(
            "earnings" in r for r in line.reasons
        )
    if not report.at_risk:
        assert "none within 2% of its stop, through it or reporting earnings" in text
        assert report.nearest_stop is not None
        assert f"nearest: {report.nearest_stop.symbol}, " in text
    assert again.model_dump(exclude={"generated_at"}) == report.model_dump(exclude={"generated_at"})
