"""Load the offline sample universe (synthetic, ``source = 'sample'``) into a sample store.

The history comes from `tetra.simulation.sample_universe`; this module writes it the way any
source's data is written: instruments and exchanges first, then bars in per-symbol batches
(each atomic, so an interrupted load resumes cleanly and a rerun changes nothing), then
corporate actions, watermarks and the run record in ``ops.ingest_runs``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pandas as pd

from tetra.core.clock import Clock, SystemClock
from tetra.core.errors import StoreError
from tetra.data.calendars import EXCHANGES, sessions
from tetra.data.ports import Store
from tetra.data.store_kind import SAMPLE_SOURCE, StoreKind
from tetra.model.instruments import Instrument
from tetra.simulation.sample_universe import SampleSpec, generate_sample_history

Progress = Callable[[int, int], None]
SYMBOLS_PER_BATCH = 16


@dataclass(frozen=True, slots=True)
class LoadReport:
    """What a sample load wrote."""

    run_id: str
    instruments: int
    bars: int
    corporate_actions: int
    first: dt.date
    last: dt.date


def load_sample(
    store: Store,
    instruments: Sequence[Instrument],
    spec: SampleSpec | None = None,
    *,
    clock: Clock | None = None,
    on_progress: Progress | None = None,
) -> LoadReport:
    """Generate the sample history of `instruments` and write it to a sample `store`."""
    if store.kind is not StoreKind.SAMPLE:
        raise StoreError("sample data goes only into a sample store (StoreKind.SAMPLE)")
    spec = spec or SampleSpec()
    clock = clock or SystemClock()
    started = clock.now()
    run_id = f"sample-{started:%Y%m%dT%H%M%S%f}"
    first_day = spec.end.replace(year=spec.end.year - spec.years)
    history = generate_sample_history(instruments, sessions(first_day, spec.end), spec)
    store.upsert("market_data.exchanges", exchanges_frame(instruments, SAMPLE_SOURCE))
    store.upsert("market_data.symbols", symbols_frame(instruments, SAMPLE_SOURCE))
    _write_bars(store, history.bars, on_progress)
    store.upsert("market_data.corporate_actions", history.corporate_actions)
    store.upsert("ops.watermarks", _watermarks(history.bars, run_id, clock.now()))
    report = LoadReport(
        run_id=run_id,
        instruments=len(instruments),
        bars=len(history.bars),
        corporate_actions=len(history.corporate_actions),
        first=history.bars["ts"].min().date(),
        last=history.bars["ts"].max().date(),
    )
    store.upsert("ops.ingest_runs", _run_row(report, started, clock.now()))
    return report


def _write_bars(store: Store, bars: pd.DataFrame, on_progress: Progress | None) -> None:
    symbols = bars["symbol"].unique()
    total = len(bars)
    done = 0
    for start in range(0, len(symbols), SYMBOLS_PER_BATCH):
        chunk = bars[bars["symbol"].isin(symbols[start : start + SYMBOLS_PER_BATCH])]
        done += store.upsert("market_data.ohlcv", chunk)
        if on_progress is not None:
            on_progress(done, total)


def symbols_frame(instruments: Sequence[Instrument], source: str) -> pd.DataFrame:
    """Return the ``market_data.symbols`` rows describing `instruments`."""
    return pd.DataFrame(
        {
            "symbol": [i.symbol for i in instruments],
            "name": [i.name for i in instruments],
            "asset_class": [i.asset_class.value for i in instruments],
            "universe_group": [i.group.value for i in instruments],
            "themes": [json.dumps(list(i.themes)) for i in instruments],
            "sector": [i.sector for i in instruments],
            "exchange": [i.exchange for i in instruments],
            "currency": [i.currency for i in instruments],
            "listed": pd.array([i.listed for i in instruments], dtype=object),
            "source": source,
        }
    )


def exchanges_frame(instruments: Sequence[Instrument], source: str) -> pd.DataFrame:
    """Return the ``market_data.exchanges`` rows for the exchanges `instruments` list on."""
    codes = sorted({i.exchange for i in instruments})
    unknown = [code for code in codes if code not in EXCHANGES]
    if unknown:
        raise StoreError(f"no exchange facts for {unknown}; add them to calendars.EXCHANGES")
    rows = [(code, *EXCHANGES[code]) for code in codes]
    frame = pd.DataFrame(rows, columns=["code", "name", "mic", "timezone", "calendar"])
    return frame.assign(source=source)


def _watermarks(bars: pd.DataFrame, run_id: str, now: dt.datetime) -> pd.DataFrame:
    last = bars.groupby("symbol", sort=True)["ts"].max().reset_index(name="last_ts")
    return last.assign(
        dataset="market_data.ohlcv", run_id=run_id, updated_at=now, source=SAMPLE_SOURCE
    )


def _run_row(report: LoadReport, started: dt.datetime, finished: dt.datetime) -> pd.DataFrame:
    steps = {"market_data": report.bars, "corporate_actions": report.corporate_actions}
    row = {
        "run_id": report.run_id,
        "mode": "load",
        "status": "success",
        "started_at": started,
        "finished_at": finished,
        "rows_written": report.bars + report.corporate_actions + report.instruments,
        "rows_quarantined": 0,
        "steps": json.dumps(steps),
        "errors": json.dumps([]),
        "source": SAMPLE_SOURCE,
    }
    return pd.DataFrame([row])
