"""A pipeline run killed mid-way (SIGKILL, a real process) and rerun leaves a sound store."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tetra.adapters.stores import open_store
from tetra.data.calendars import sessions
from tetra.data.ports import Query
from tetra.data.store_kind import StoreKind
from tetra.data.universe import load_universe
from tetra.sample.history import SampleSpec, generate_sample_history

SYMBOLS = [i.symbol for i in load_universe().by_group("largest_stocks")]
SPEC = SampleSpec()


def pipeline_command(log_file: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "tetra.cli.main",
        "pipeline",
        "--mode",
        "backfill",
        "--source",
        "sample",
        "--start-date",
        "2015-12-31",
        "--end-date",
        "2025-12-31",
        "--steps",
        "market_data",
        "--steps",
        "data_quality",
        "--symbols",
        ",".join(SYMBOLS),
        "--log-file",
        str(log_file),
    ]


def bar_lines(log_file: Path) -> int:
    if not log_file.exists():
        return 0
    return log_file.read_text().count("market_data.ohlcv")


@pytest.mark.slow
def test_killed_run_then_rerun_leaves_no_duplicates_no_gaps_and_true_watermarks(
    tmp_path: Path,
) -> None:
    env = {**os.environ, "TETRA_DATA_DIR": str(tmp_path / "data")}
    log_file = tmp_path / "run.log"
    doomed = subprocess.Popen(
        pipeline_command(log_file),
        env=env,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while bar_lines(log_file) < 8 and doomed.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert doomed.poll() is None, "the run finished before it could be killed"
    doomed.kill()  # SIGKILL: no cleanup, no final run record
    doomed.wait()
    killed_after = bar_lines(log_file)

    rerun = subprocess.run(
        pipeline_command(log_file),
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    assert 8 <= killed_after < len(SYMBOLS) * 2
    store = open_store(tmp_path / "data" / "sample.duckdb", StoreKind.SAMPLE)
    try:
        bars = store.read(
            Query("market_data.ohlcv", columns=["symbol", "interval", "ts", "source"])
        )
        marks = store.read(Query("ops.watermarks", where={"dataset": "market_data.ohlcv"}))
        coverage = store.read(Query("ops.coverage"))
        runs = store.read(Query("ops.ingest_runs"))
    finally:
        store.close()
    assert not bars.duplicated().any()
    assert len(bars) == expected_bar_count()
    newest = bars.groupby("symbol")["ts"].max()
    assert dict(zip(marks["symbol"], marks["last_ts"], strict=True)) == newest.to_dict()
    assert sorted(coverage["symbol"]) == sorted(SYMBOLS)
    assert (coverage["missing"] == 0).all()
    # The killed run is not left `running`: the rerun found its process gone and said so.
    assert sorted(runs["status"]) == ["abandoned", "success"]
    abandoned = runs[runs["status"] == "abandoned"].iloc[0]
    assert abandoned["finished_at"] is not None
    assert "is gone (killed or crashed)" in abandoned["errors"]


def expected_bar_count() -> int:
    days = sessions(dt.date(2015, 12, 31), dt.date(2025, 12, 31))
    history = generate_sample_history(list(load_universe()), days, SPEC)
    return int(history.bars["symbol"].isin(SYMBOLS).sum())
