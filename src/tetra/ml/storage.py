"""Feature values and predictions in the store's `derived` schema.

`store_features` writes a built `FeatureFrame` set by set (the set's definition into
``derived.feature_sets``, its values into ``derived.features``, missing values left out),
in chunks of symbols so memory stays bounded. A set whose stored fingerprint differs from
the code's under the same version is refused: change a definition, bump its version.
`write_predictions` and `load_signal` write and read ``derived.predictions``;
`with_stored_signal` gives a registry-built `ml_signal` its model's stored predictions.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from tetra.core.errors import ValidationError
from tetra.data.ports import Query, Store
from tetra.data.store_kind import SAMPLE_SOURCE, StoreKind
from tetra.market import MarketData
from tetra.ml.features import FeatureFrame, FeatureSet, FeatureSetError
from tetra.strategy.base import Strategy
from tetra.strategy.library.ml_signal import MlSignal

TETRA_SOURCE = "tetra"
SYMBOLS_PER_WRITE = 25


def source_for(store: Store) -> str:
    """Rows Tetra derives are 'sample' in a sample store and 'tetra' in a live one."""
    return SAMPLE_SOURCE if store.kind is StoreKind.SAMPLE else TETRA_SOURCE


def store_features(
    store: Store,
    frame: FeatureFrame,
    *,
    now: dt.datetime,
    progress: Callable[[str, int, int], None] | None = None,
) -> int:
    """Write every set of `frame` with its definition; return the number of values written."""
    written = 0
    for feature_set in frame.sets:
        register_set(store, feature_set, now)
        chunks = range(0, len(frame.symbols), SYMBOLS_PER_WRITE)
        for done, first in enumerate(chunks):
            if progress is not None:
                progress(feature_set.label, done, len(chunks))
            rows = _long_rows(frame, feature_set, slice(first, first + SYMBOLS_PER_WRITE))
            written += store.upsert("derived.features", rows.assign(source=source_for(store)))
    return written


def register_set(store: Store, feature_set: FeatureSet, now: dt.datetime) -> None:
    """Record the set's definition, refusing a changed definition under a stored version."""
    source = source_for(store)
    stored = store.read(
        Query(
            "derived.feature_sets",
            where={"feature_set": feature_set.name, "version": feature_set.version},
        )
    )
    if not stored.empty and stored["fingerprint"].iloc[0] != feature_set.fingerprint:
        raise FeatureSetError(
            f"{feature_set.label} is stored with another definition; give the new one a new version"
        )
    if stored.empty:
        row = {
            "feature_set": feature_set.name, "version": feature_set.version,
            "fingerprint": feature_set.fingerprint,
            "definition": json.dumps(feature_set.definition()),
            "description": feature_set.description, "created_at": now, "source": source,
        }  # fmt: skip
        store.upsert("derived.feature_sets", pd.DataFrame([row]))


def _long_rows(frame: FeatureFrame, feature_set: FeatureSet, columns: slice) -> pd.DataFrame:
    """One row per finite value of the set's features for the symbols in `columns`."""
    chosen = frame.select(list(feature_set.names))
    cube = chosen.values[:, :, columns]  # (features, days, symbols)
    feature, day, symbol = np.nonzero(np.isfinite(cube))
    symbols = np.array(frame.symbols[columns], dtype=object)
    names = np.array(chosen.names, dtype=object)
    return pd.DataFrame(
        {
            "feature_set": feature_set.name,
            "version": feature_set.version,
            "symbol": symbols[symbol],
            "date": frame.dates[day],
            "feature": names[feature],
            "value": cube[feature, day, symbol],
        }
    )


def read_features(
    store: Store, feature_set: FeatureSet, symbols: Sequence[str], start: dt.date, end: dt.date
) -> pd.DataFrame:
    """Return stored values of one set version as a long frame (symbol, date, feature, value)."""
    query = Query(
        "derived.features",
        where={
            "feature_set": feature_set.name,
            "version": feature_set.version,
            "symbol": list(symbols),
        },
        start=start,
        end=end + dt.timedelta(days=1),
        columns=["symbol", "date", "feature", "value"],
    )
    return store.read(query)


def write_predictions(
    store: Store, predictions: pd.DataFrame, *, model: str, version: int, horizon: int,
    sets: Sequence[FeatureSet], now: dt.datetime,
) -> int:  # fmt: skip
    """Write (date, symbol, score) rows as `model` `version`'s predictions, with their ranks."""
    if predictions.empty:
        raise ValidationError("no predictions to write")
    ranked = predictions.assign(
        rank=predictions.groupby("date")["score"].rank(pct=True),
        model=model, model_version=version, horizon=horizon,
        feature_sets=json.dumps({s.label: s.fingerprint for s in sets}),
        created_at=now, source=source_for(store),
    )  # fmt: skip
    return store.upsert("derived.predictions", ranked)


def load_signal(
    store: Store,
    model: str,
    version: int | None,
    symbols: Sequence[str],
    start: dt.date,
    end: dt.date,
) -> tuple[pd.DataFrame, int]:
    """Return stored scores as a (dates x symbols) frame for `ml_signal`, and the version."""
    version = version or latest_prediction_version(store, model)
    rows = store.read(
        Query(
            "derived.predictions",
            where={"model": model, "model_version": version, "symbol": list(symbols)},
            start=start,
            end=end + dt.timedelta(days=1),
            columns=["symbol", "date", "score"],
        )
    )
    if rows.empty:
        raise ValidationError(
            f"no predictions of {model} v{version} for these symbols between {start} and {end}"
        )
    wide = rows.pivot_table(index="date", columns="symbol", values="score", aggfunc="last")
    wide.index = pd.DatetimeIndex(pd.to_datetime(wide.index), name="date")
    return wide, version


def latest_prediction_version(store: Store, model: str) -> int:
    """Return the highest version of `model` with stored predictions."""
    rows = store.read(
        Query("derived.predictions", where={"model": model}, columns=["model_version"])
    )
    if rows.empty:
        raise ValidationError(f"no stored predictions of model {model!r}: run `tetra ml predict`")
    return int(rows["model_version"].max())


def with_stored_signal(strategy: Strategy[Any], store: Store, market: MarketData) -> Strategy[Any]:
    """Give an `ml_signal` strategy without a signal its model's stored predictions."""
    if not isinstance(strategy, MlSignal) or strategy.signal is not None:
        return strategy
    model = strategy.config.model
    if model is None:
        raise ValidationError("ml_signal needs model=<registered model> (and model_version)")
    first = pd.Timestamp(market.dates[0]).date()
    last = pd.Timestamp(market.dates[-1]).date()
    signal, _ = load_signal(
        store, model, strategy.config.model_version, list(market.symbols), first, last
    )
    return strategy.with_signal(signal)
