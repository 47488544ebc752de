"""Batches are conformed to the catalog and every bad row is reported at once."""

from __future__ import annotations

import json

import pandas as pd
import pyarrow as pa
import pytest

from tetra.core.errors import InvalidBatch
from tetra.data.batches import arrow_schema, partition_batch, prepare_batch
from tetra.data.migrations import table
from tetra.testing import bars_frame

OHLCV = table("market_data.ohlcv")


def test_valid_bars_conform_to_the_catalog_schema() -> None:
    batch = prepare_batch(OHLCV, bars_frame(periods=3))

    assert batch.schema == arrow_schema(OHLCV)
    assert batch.num_rows == 3
    assert batch.column("vwap").null_count == 3  # optional columns arrive as NULL


def test_invalid_batch_lists_every_bad_row_with_its_key() -> None:
    bars = bars_frame(periods=4)
    bars.loc[1, "high"] = bars.loc[1, "low"] / 2
    bars.loc[3, "volume"] = -1.0

    with pytest.raises(InvalidBatch) as caught:
        prepare_batch(OHLCV, bars)

    rows = sorted({p.row for p in caught.value.problems})
    assert rows == [1, 3]
    assert "AAA/1d/" in caught.value.problems[0].key
    assert "nothing written" in str(caught.value)


def test_duplicate_keys_in_a_batch_flag_the_later_rows() -> None:
    bars = bars_frame(periods=3)
    doubled = pd.concat([bars, bars.iloc[[0]]], ignore_index=True)

    with pytest.raises(InvalidBatch) as caught:
        prepare_batch(OHLCV, doubled)

    assert [(p.row, p.reason) for p in caught.value.problems] == [
        (3, "duplicate natural key in batch")
    ]


def test_duplicates_are_found_in_unsorted_batches_too() -> None:
    bars = bars_frame(symbols=("AAA", "BBB"), periods=50, seed=3).sample(frac=1, random_state=7)
    doubled = pd.concat([bars, bars.iloc[[10, 20]]], ignore_index=True)

    with pytest.raises(InvalidBatch) as caught:
        prepare_batch(OHLCV, doubled)

    assert sorted(p.row for p in caught.value.problems) == [100, 101]


def test_unknown_and_missing_columns_are_refused_by_name() -> None:
    bars = bars_frame(periods=1)
    with pytest.raises(InvalidBatch, match="unknown columns \\['colour'\\]"):
        prepare_batch(OHLCV, bars.assign(colour="red"))
    with pytest.raises(InvalidBatch, match="missing \\['close'\\]"):
        prepare_batch(OHLCV, bars.drop(columns="close"))


def test_naive_timestamps_are_refused() -> None:
    bars = bars_frame(periods=1)
    bars["ts"] = bars["ts"].dt.tz_localize(None)

    with pytest.raises(InvalidBatch, match="timezone-aware"):
        prepare_batch(OHLCV, bars)


def test_text_that_is_not_a_number_names_its_row() -> None:
    bars = bars_frame(periods=3).astype({"close": object})
    bars.loc[2, "close"] = "n/a"

    with pytest.raises(InvalidBatch) as caught:
        prepare_batch(OHLCV, bars)

    assert caught.value.problems[0].row == 2


def test_infinite_price_is_refused() -> None:
    bars = bars_frame(periods=2)
    bars.loc[1, "high"] = float("inf")

    with pytest.raises(InvalidBatch, match="high is NaN or infinite"):
        prepare_batch(OHLCV, bars)


def test_partition_keeps_good_rows_and_explains_bad_ones() -> None:
    bars = bars_frame(periods=5)
    bars.loc[2, "close"] = float("nan")

    parts = partition_batch(OHLCV, bars)

    assert parts.valid.num_rows == 4
    assert list(parts.rejected["reason"]) == ["close is missing"]


def test_json_columns_accept_python_values() -> None:
    symbols = pd.DataFrame(
        {
            "symbol": ["SPY"],
            "name": ["S&P 500"],
            "asset_class": ["etf"],
            "currency": ["USD"],
            "themes": [["broad_market", "large_cap"]],
            "source": ["test"],
        }
    )

    batch = prepare_batch(table("market_data.symbols"), symbols)

    assert json.loads(batch.column("themes")[0].as_py()) == ["broad_market", "large_cap"]
    assert batch.column("listed").type == pa.date32()
