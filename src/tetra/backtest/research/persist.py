"""Store backtests and walk-forwards in the ``strategies`` schema, and read them back.

One run writes: its strategy's row in ``definitions`` (id = a stable hash of the name and
the config JSON, so the same strategy and config always share one row), one row in
``runs``, its round trips in ``trades`` (money and quantities as DECIMAL(38, 12): the
engine's float64 numbers quantized to 12 decimals, read back exactly as `Decimal`), one row
per metric in ``performance``, and its equity curve. The schema has no equity table, so
the curve goes to ``signals`` as one row per date with ``signal = 'equity'`` and
``symbol = '*'`` (the whole book): the table's key (run, symbol, ts, signal) fits it, and
no migration is needed. Every row is labelled ``source = 'tetra'``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Context, Decimal
from typing import Any

import numpy as np
import pandas as pd

from tetra.backtest.research.walk_forward import WalkForwardResult
from tetra.backtest.result import BacktestResult
from tetra.data.ports import Query, Store
from tetra.strategy.base import Strategy

SOURCE = "tetra"
EQUITY_SIGNAL = "equity"
BOOK_SYMBOL = "*"
_PLACES = Decimal(1).scaleb(-12)  # the scale of the DECIMAL(38, 12) columns
_CONTEXT = Context(prec=38)
_MONEY = ("quantity", "entry_price", "exit_price", "pnl", "fees", "mark_price", "unrealised_pnl")


def strategy_id(name: str, config: Mapping[str, Any]) -> str:
    """Return a stable id for a strategy name and config (key order does not matter)."""
    text = json.dumps({"name": name, "config": dict(config)}, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def to_decimal(value: object) -> Decimal | None:
    """Return a float as a `Decimal` with the column's 12 decimals; None for NaN or None.

    The float's shortest exact spelling (`repr`) is quantized half-even to 12 places, so
    the stored value is within 5e-13 of the engine's number.
    """
    if value is None:
        return None
    number = float(value)  # type: ignore[arg-type]
    if not math.isfinite(number):
        return None
    return Decimal(repr(number)).quantize(_PLACES, context=_CONTEXT)


@dataclass(frozen=True)
class RunRecord:
    """Everything a run stores; `metrics` maps metric names to values."""

    name: str
    config: Mapping[str, Any]
    equity: pd.Series
    trades: pd.DataFrame
    metrics: Mapping[str, float]
    started_at: dt.datetime
    finished_at: dt.datetime
    mode: str = "backtest"
    params: Mapping[str, Any] | None = None
    status: str = "finished"

    @property
    def strategy_id(self) -> str:
        return strategy_id(self.name, self.config)

    @property
    def run_id(self) -> str:
        """A readable id, unique per strategy, mode and start time."""
        return f"{self.mode}-{self.strategy_id}-{self.started_at:%Y%m%dT%H%M%S%f}"


@dataclass(frozen=True)
class StoredRun:
    """A run as read back: its row, its strategy's row, equity, trades and metrics."""

    run: dict[str, Any]
    definition: dict[str, Any]
    equity: pd.Series
    trades: pd.DataFrame
    metrics: dict[str, float]


def save_run(store: Store, record: RunRecord) -> str:
    """Write `record` to the strategies schema and return its run id; rewriting is idempotent.

    The ``runs`` row is written last, so a run listed there has all its rows stored.
    """
    run_id = record.run_id
    _save_definition(store, record)
    store.upsert("strategies.trades", trade_rows(run_id, record.trades))
    store.upsert("strategies.signals", equity_rows(run_id, record.equity))
    metrics = [
        {"run_id": run_id, "metric": k, "value": float(v), "source": SOURCE}
        for k, v in record.metrics.items()
    ]
    store.upsert(
        "strategies.performance",
        pd.DataFrame(metrics, columns=["run_id", "metric", "value", "source"]),
    )
    store.upsert("strategies.runs", pd.DataFrame([_run_row(record, run_id)]))
    return run_id


def _save_definition(store: Store, record: RunRecord) -> None:
    """Write the strategy's row once; a later run keeps the first `created_at`."""
    query = Query("strategies.definitions", where={"strategy_id": record.strategy_id})
    if not store.read(query).empty:
        return
    row = {
        "strategy_id": record.strategy_id,
        "name": record.name,
        "kind": record.name,
        "config": dict(record.config),
        "created_at": _utc(record.started_at),
        "source": SOURCE,
    }
    store.upsert("strategies.definitions", pd.DataFrame([row]))


def _run_row(record: RunRecord, run_id: str) -> dict[str, Any]:
    dates = record.equity.index
    return {
        "run_id": run_id,
        "strategy_id": record.strategy_id,
        "mode": record.mode,
        "status": record.status,
        "params": dict(record.params or {}),
        "period_start": dates[0].date() if len(dates) else None,
        "period_end": dates[-1].date() if len(dates) else None,
        "started_at": _utc(record.started_at),
        "finished_at": _utc(record.finished_at),
        "source": SOURCE,
    }


def trade_rows(run_id: str, trades: pd.DataFrame) -> pd.DataFrame:
    """Return ``strategies.trades`` rows: ids in trade order, money as `Decimal`."""
    rows = pd.DataFrame(
        {
            "run_id": run_id,
            "trade_id": [f"{i:06d}" for i in range(len(trades))],
            "symbol": trades["symbol"].astype(str).to_numpy(),
            "side": trades["side"].astype(str).to_numpy(),
            "entry_ts": _utc_index(trades["entry_ts"]),
            "exit_ts": _utc_index(trades["exit_ts"]),
            "exit_reason": _exit_reasons(trades),
            "source": SOURCE,
        }
    )
    for name in _MONEY:
        values = trades[name] if name in trades else [None] * len(trades)  # marks are optional
        rows[name] = pd.Series([to_decimal(v) for v in values], dtype=object)
    return rows


def _exit_reasons(trades: pd.DataFrame) -> np.ndarray:
    """Return each trade's exit reason, None for open trades (and for tables without one)."""
    if "exit_reason" not in trades:
        return np.full(len(trades), None, dtype=object)
    reasons = trades["exit_reason"].to_numpy(dtype=object, copy=True)
    open_trade = trades["exit_ts"].isna().to_numpy() | (reasons == "")
    reasons[open_trade] = None
    stored: np.ndarray = reasons
    return stored


def equity_rows(run_id: str, equity: pd.Series) -> pd.DataFrame:
    """Return the equity curve as ``strategies.signals`` rows (symbol '*', signal 'equity')."""
    return pd.DataFrame(
        {
            "run_id": run_id,
            "symbol": BOOK_SYMBOL,
            "ts": _utc_index(equity.index.to_series()),
            "signal": EQUITY_SIGNAL,
            "value": equity.to_numpy(dtype=float),
            "source": SOURCE,
        }
    )


RUN_TABLES = ("strategies.trades", "strategies.signals", "strategies.performance")


def delete_run(store: Store, run_id: str) -> bool:
    """Delete a stored run and everything kept for it; False if there was no such run.

    The run's own row goes last: a delete cut short leaves the run listed, and deleting it
    again finishes the job. Its strategy definition stays (other runs may share it).
    """
    where = {"run_id": run_id}
    if store.read(Query("strategies.runs", where=where, columns=["run_id"])).empty:
        return False
    for table in RUN_TABLES:
        store.delete(Query(table, where=where))
    store.delete(Query("strategies.runs", where=where))
    return True


def load_run(store: Store, run_id: str) -> StoredRun:
    """Read a stored run back; raise KeyError for an unknown run id."""
    runs = store.read(Query("strategies.runs", where={"run_id": run_id}))
    if runs.empty:
        raise KeyError(f"no run {run_id!r} in strategies.runs")
    run = {str(k): v for k, v in runs.iloc[0].items()}
    where = {"strategy_id": run["strategy_id"]}
    definitions = store.read(Query("strategies.definitions", where=where))
    definition = {str(k): v for k, v in definitions.iloc[0].items()}
    signals = store.read(
        Query("strategies.signals", where={"run_id": run_id, "signal": EQUITY_SIGNAL})
    )
    index = pd.DatetimeIndex(signals["ts"]).tz_convert(None).rename("date")
    equity = pd.Series(signals["value"].to_numpy(dtype=float), index=index, name="equity")
    trades = store.read(Query("strategies.trades", where={"run_id": run_id}))
    performance = store.read(Query("strategies.performance", where={"run_id": run_id}))
    metrics = dict(zip(performance["metric"], performance["value"].astype(float), strict=True))
    return StoredRun(run, definition, equity, trades.reset_index(drop=True), metrics)


def _utc(moment: dt.datetime) -> pd.Timestamp:
    stamp = pd.Timestamp(moment)
    return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")


def _utc_index(values: pd.Series) -> pd.Series:
    stamps = pd.to_datetime(values.reset_index(drop=True))
    return stamps.dt.tz_localize("UTC") if stamps.dt.tz is None else stamps.dt.tz_convert("UTC")


def backtest_record(
    result: BacktestResult,
    strategy: Strategy,  # type: ignore[type-arg]
    *,
    started_at: dt.datetime,
    finished_at: dt.datetime,
    params: Mapping[str, Any] | None = None,
    benchmark_returns: pd.Series | None = None,
) -> RunRecord:
    """Return the `RunRecord` of one backtest of `strategy` (mode ``backtest``).

    With `benchmark_returns` (simple returns on the run's dates) alpha and beta are set.
    """
    return RunRecord(
        name=strategy.name,
        config=strategy.config.model_dump(mode="json"),
        equity=result.equity,
        trades=result.trades,
        metrics=result.metrics(benchmark_returns=benchmark_returns).as_dict(),
        started_at=started_at,
        finished_at=finished_at,
        params=params,
    )


def walk_forward_record(
    result: WalkForwardResult,
    name: str,
    spec: Mapping[str, Any],
    *,
    started_at: dt.datetime,
    finished_at: dt.datetime,
    params: Mapping[str, Any] | None = None,
    dates: np.ndarray | None = None,
) -> RunRecord:
    """Return the `RunRecord` of a walk-forward (mode ``walk_forward``).

    Its definition's config is the walk-forward `spec` (grid, windows, metric); its
    params add the parameters each fold chose (``folds``) and, given the market's `dates`,
    each fold's windows and in-sample and out-of-sample metric (``fold_results``).
    """
    folds = [fold.params for fold in result.folds]
    extra: dict[str, Any] = {"folds": folds}
    if dates is not None:
        extra["fold_results"] = fold_results(result, dates)
    return RunRecord(
        name=name,
        config=spec,
        equity=result.equity,
        trades=result.trades,
        metrics=result.metrics.as_dict(),
        started_at=started_at,
        finished_at=finished_at,
        mode="walk_forward",
        params={**(params or {}), **extra},
    )


FOLD_DAYS = ("train_first", "train_last", "test_first", "test_last")


def fold_results(result: WalkForwardResult, dates: np.ndarray) -> list[dict[str, Any]]:
    """Return the folds' summary rows as JSON values (ISO days; NaN metrics as None)."""
    return [
        {
            **{str(k): v for k, v in row.items()},
            **{k: row[k].isoformat() for k in FOLD_DAYS},
            **{k: _finite_or_none(row[k]) for k in ("in_sample", "out_of_sample")},
            "fold": int(row["fold"]),
        }
        for row in result.summary(dates).to_dict("records")
    ]


def _finite_or_none(value: Any) -> float | None:
    number = float(value)
    return number if math.isfinite(number) else None
