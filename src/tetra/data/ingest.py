"""Write what a source fetched: validate, store, quarantine, then move the watermark.

Validation is the record rules (`tetra.data.rules`: window, future, magnitudes, VWAP, symbols,
control characters), then the table's batch checks (types, nulls, keys, OHLC invariants) and,
for bars, the quality screen; every rejected record is quarantined with its reasons.

Order matters for crash safety. The valid rows are written in one atomic upsert; the rejected
and unparsed records go to ``ops.quarantine``; only then does the watermark advance. A crash
anywhere leaves the watermark at or behind the data, so a rerun fetches again and, the
upserts being idempotent, changes nothing that was already right.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

import pandas as pd

from tetra.data.batches import partition_batch
from tetra.data.migrations import table
from tetra.data.ports import Query, Store
from tetra.data.quality import OHLCV, JumpLimits, QualityWarning, Splits, screen_bars
from tetra.data.quarantine import QUARANTINE, quarantine_rows, rejected_rows_as_records
from tetra.data.rules import RuleContext, check_rows
from tetra.data.sources import Fetched, Window

WATERMARKS = "ops.watermarks"

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Ingested:
    """What one ingest wrote: rows stored, records quarantined, warnings raised."""

    dataset: str
    written: int
    quarantined: int
    newest: dt.datetime | None
    warnings: list[QualityWarning] = field(default_factory=list)


def ingest(
    store: Store,
    fetched: Fetched,
    *,
    source: str,
    run_id: str,
    now: dt.datetime,
    watermark_symbol: str | None = None,
    limits: JumpLimits | None = None,
    window: Window | None = None,
) -> Ingested:
    """Store the valid rows of `fetched`, quarantine the rest, then advance the watermark.

    `window` is the window that was asked for: records dated outside it are quarantined.
    """
    target = table(fetched.dataset)
    checked = check_rows(fetched.dataset, fetched.rows, RuleContext(now, window))
    if fetched.dataset == OHLCV:
        rows = checked.valid
        history, splits = _history(store, rows), _splits(store, rows)
        screened = screen_bars(rows, history, now=now, limits=limits, splits=splits)
        valid, rejected, warnings = screened.valid, screened.rejected, screened.warnings
    else:
        parts = partition_batch(target, checked.valid)
        valid, rejected, warnings = parts.valid.to_pandas(), parts.rejected, []
    written = store.upsert(fetched.dataset, valid) if len(valid) else 0
    records = [
        *fetched.unparsed,
        *rejected_rows_as_records(checked.rejected, target.key),
        *rejected_rows_as_records(rejected, target.key),
    ]
    if records:
        store.upsert(
            QUARANTINE,
            quarantine_rows(fetched.dataset, source, records, run_id=run_id, now=now),
        )
    newest = _newest(valid, target.time_column)
    if watermark_symbol is not None and newest is not None:
        advance_watermark(store, source, fetched.dataset, watermark_symbol, newest, run_id, now)
    label = watermark_symbol or "*"
    log.info(
        "%s %s %s: %d written, %d quarantined",
        source,
        fetched.dataset,
        label,
        written,
        len(records),
    )
    return Ingested(fetched.dataset, written, len(records), newest, warnings)


def advance_watermark(
    store: Store,
    source: str,
    dataset: str,
    symbol: str,
    newest: dt.datetime,
    run_id: str,
    now: dt.datetime,
) -> None:
    """Move the watermark forward to `newest`; never backwards."""
    current = watermark(store, source, dataset, symbol)
    if current is not None and current >= newest:
        return
    row = {
        "source": source,
        "dataset": dataset,
        "symbol": symbol,
        "last_ts": newest,
        "run_id": run_id,
        "updated_at": now,
    }
    store.upsert(WATERMARKS, pd.DataFrame([row]))


def watermark(store: Store, source: str, dataset: str, symbol: str) -> dt.datetime | None:
    """Return the newest stored time for (source, dataset, symbol), or None."""
    where = {"source": source, "dataset": dataset, "symbol": symbol}
    found = store.read(Query(WATERMARKS, where=where, columns=["last_ts"]))
    return None if found.empty else found["last_ts"].iloc[0].to_pydatetime()


def watermarks(store: Store, source: str, dataset: str) -> dict[str, dt.datetime]:
    """Return every symbol's watermark for (source, dataset)."""
    where = {"source": source, "dataset": dataset}
    found = store.read(Query(WATERMARKS, where=where, columns=["symbol", "last_ts"]))
    return {
        str(s): ts.to_pydatetime() for s, ts in zip(found["symbol"], found["last_ts"], strict=True)
    }


def _history(store: Store, bars: pd.DataFrame, sessions: int = 70) -> pd.DataFrame:
    """Return the stored bars just before the fresh ones, for jump checks."""
    if bars.empty:
        return bars
    first = bars["ts"].min()
    where = {
        "symbol": sorted(bars["symbol"].unique()),
        "interval": "1d",
        "source": sorted(bars["source"].unique()),
    }
    start = (first - pd.Timedelta(days=sessions * 2)).to_pydatetime()
    return store.read(Query(OHLCV, where=where, start=start, end=first.to_pydatetime()))


def _splits(store: Store, bars: pd.DataFrame) -> Splits:
    """Return the stored splits of the batch's symbols, from any source."""
    if bars.empty:
        return {}
    where = {"symbol": sorted(bars["symbol"].unique()), "action": "split"}
    columns = ["symbol", "ex_date", "split_from", "split_to"]
    found = store.read(Query("market_data.corporate_actions", where=where, columns=columns))
    ratios = found["split_to"].astype(float) / found["split_from"].astype(float)
    keys = zip(found["symbol"].astype(str), found["ex_date"], strict=True)
    return {(symbol, day): float(ratio) for (symbol, day), ratio in zip(keys, ratios, strict=True)}


def _newest(rows: pd.DataFrame, time_column: str | None) -> dt.datetime | None:
    if rows.empty or time_column is None:
        return None
    newest = pd.Timestamp(rows[time_column].max())
    if newest.tzinfo is None:
        newest = newest.tz_localize("UTC")
    return newest.to_pydatetime()
