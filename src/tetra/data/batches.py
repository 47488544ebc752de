"""Turn incoming rows into a validated Arrow batch of a catalog table, or say why not.

`prepare_batch` is what every store calls before it writes: it conforms columns and types to the
table, then gathers every problem (missing required values, duplicate natural keys inside the
batch, and the table's domain rules such as the OHLC invariants) and raises one `InvalidBatch`
listing them all. `partition_batch` is the lenient form for loaders: it returns the valid rows
and the rejected ones with their reasons, for the quarantine.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeAlias

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from tetra.core.errors import InvalidBatch, RowProblem
from tetra.data.schema import ColumnType, Table
from tetra.model.bars import bar_problems

Rows: TypeAlias = pd.DataFrame | pa.Table

ARROW_TYPES: Mapping[ColumnType, pa.DataType] = {
    ColumnType.TEXT: pa.string(),
    ColumnType.DOUBLE: pa.float64(),
    ColumnType.BIGINT: pa.int64(),
    ColumnType.BOOLEAN: pa.bool_(),
    ColumnType.DATE: pa.date32(),
    ColumnType.TIMESTAMP: pa.timestamp("us", tz="UTC"),
    ColumnType.DECIMAL: pa.decimal128(38, 12),
    ColumnType.JSON: pa.string(),
}


def arrow_schema(table: Table) -> pa.Schema:
    """Return the Arrow schema of a catalog table, with its NOT NULL columns marked."""
    return pa.schema(
        [pa.field(c.name, ARROW_TYPES[c.type], nullable=c.nullable) for c in table.columns]
    )


@dataclass(frozen=True, slots=True)
class Partition:
    """Rows split by validity: `valid` can be written, `rejected` carries one reason per row."""

    valid: pa.Table
    rejected: pd.DataFrame  # the offending rows as received, plus a `reason` column


def prepare_batch(table: Table, rows: Rows) -> pa.Table:
    """Return `rows` conformed to `table`, raising `InvalidBatch` listing every bad row."""
    batch = conform(table, rows)
    problems = find_problems(table, batch)
    if problems:
        raise InvalidBatch(table.qualified_name, problems)
    return batch


def partition_batch(table: Table, rows: Rows) -> Partition:
    """Split `rows` into the valid ones and the rejected ones with their reasons.

    Values that cannot be read as their column's type (text where a number belongs, a number
    too large for the column) reject their rows too, when the rows come as a frame; unknown or
    missing columns still raise `InvalidBatch`, since they are the source's fault, not a row's.
    """
    if isinstance(rows, pd.DataFrame):
        batch, unreadable = _conform_readable(table, rows.reset_index(drop=True))
    else:
        batch, unreadable = conform(table, rows), pd.DataFrame()
    parts = _partition(table, batch)
    if unreadable.empty:
        return parts
    rejected = pd.concat([unreadable, parts.rejected], ignore_index=True)
    return Partition(valid=parts.valid, rejected=rejected)


def _conform_readable(table: Table, frame: pd.DataFrame) -> tuple[pa.Table, pd.DataFrame]:
    """Conform the rows whose values their columns can hold; return the others with reasons."""
    rejected: list[pd.DataFrame] = []
    for _ in range(len(table.columns) + 1):  # each pass removes one column's unreadable rows
        try:
            batch = conform(table, frame)
        except InvalidBatch as error:
            rows = sorted({p.row for p in error.problems})
            if not rows or rows[0] < 0:
                raise
            why = {p.row: p.reason for p in error.problems}
            rejected.append(frame.iloc[rows].assign(reason=[why[r] for r in rows]))
            frame = frame.drop(index=frame.index[rows]).reset_index(drop=True)
            continue
        found = pd.concat(rejected, ignore_index=True) if rejected else pd.DataFrame()
        return batch, found
    raise InvalidBatch(table.qualified_name, [RowProblem(-1, "*", "rows cannot be conformed")])


def _partition(table: Table, batch: pa.Table) -> Partition:
    problems = find_problems(table, batch)
    reasons: dict[int, list[str]] = {}
    for problem in problems:
        reasons.setdefault(problem.row, []).append(problem.reason)
    bad = np.zeros(batch.num_rows, dtype=bool)
    bad[list(reasons)] = True
    rejected = batch.filter(pa.array(bad)).to_pandas()
    rejected["reason"] = ["; ".join(reasons[row]) for row in sorted(reasons)]
    return Partition(valid=batch.filter(pa.array(~bad)), rejected=rejected)


def conform(table: Table, rows: Rows) -> pa.Table:
    """Select, order and cast columns to the table's schema; missing nullable ones become NULL.

    Raises `InvalidBatch` for unknown or missing required columns, and for values that cannot
    be cast (naming the rows), since either would otherwise be silently lost.
    """
    data = rows if isinstance(rows, pa.Table) else _from_pandas(table, rows)
    _check_column_names(table, data)
    arrays = [_cast_column(table, data, c.name) for c in table.columns]
    return pa.Table.from_arrays(arrays, schema=arrow_schema(table))


def _from_pandas(table: Table, frame: pd.DataFrame) -> pa.Table:
    frame = frame.reset_index(drop=True)
    for column in table.columns:
        # Serialise JSON values before Arrow infers one struct type for a whole column
        # (which would merge differently shaped objects).
        if column.type is ColumnType.JSON and column.name in frame.columns:
            texts = [_json_text(v) for v in frame[column.name]]
            frame[column.name] = pd.Series(texts, dtype=object, index=frame.index)
    try:
        return pa.Table.from_pandas(frame, preserve_index=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        # A column mixes types (say "n/a" among prices): carry it as text so the cast
        # to the catalog type can name the offending rows instead of failing whole.
        arrays = {name: _column_array(frame[name]) for name in frame.columns}
        return pa.table(arrays)


def _column_array(values: pd.Series) -> pa.Array:
    try:
        return pa.Array.from_pandas(values)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        texts = [None if _is_missing(v) else str(v) for v in values]
        return pa.array(texts, type=pa.string())


def _is_missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value))


def _check_column_names(table: Table, data: pa.Table) -> None:
    unknown = sorted(set(data.column_names) - set(table.column_names))
    required = {c.name for c in table.columns if not c.nullable}
    missing = sorted(required - set(data.column_names))
    if unknown or missing:
        detail = f"unknown columns {unknown}" if unknown else ""
        detail += ("; " if unknown and missing else "") + (f"missing {missing}" if missing else "")
        raise InvalidBatch(table.qualified_name, [RowProblem(-1, "*", detail)])


def _cast_column(table: Table, data: pa.Table, name: str) -> pa.Array:
    column = table.column(name)
    target = ARROW_TYPES[column.type]
    if name not in data.column_names:
        return pa.nulls(data.num_rows, type=target)
    values = data.column(name).combine_chunks()
    if column.type is ColumnType.JSON:
        values = _canonical_json_array(table, name, values)
    if pa.types.is_timestamp(target) and pa.types.is_timestamp(values.type) and not values.type.tz:
        problem = RowProblem(-1, "*", f"{name}: timestamps must be timezone-aware (UTC)")
        raise InvalidBatch(table.qualified_name, [problem])
    try:
        return _cast(values, target)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError) as error:
        problems = _uncastable_rows(values, target, error)
        raise InvalidBatch(table.qualified_name, problems) from error


def _cast(values: pa.Array, target: pa.DataType) -> pa.Array:
    if pa.types.is_timestamp(target) and pa.types.is_timestamp(values.type):
        return pc.cast(values, target)
    if pa.types.is_date32(target) and pa.types.is_timestamp(values.type):
        return pc.cast(pc.floor_temporal(values, unit="day"), pa.date32())
    return pc.cast(values, target, safe=True)


def _uncastable_rows(values: pa.Array, target: pa.DataType, error: Exception) -> list[RowProblem]:
    problems = []
    for row, value in enumerate(values.to_pylist()):
        try:
            _cast(pa.array([value], type=values.type), target)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
            problems.append(RowProblem(row, "*", f"cannot read {value!r} as {target}"))
    return problems or [RowProblem(-1, "*", str(error))]


def canonical_json(text: str) -> str:
    """Return JSON text in one canonical spelling (sorted keys), so stores compare equal."""
    return json.dumps(json.loads(text), sort_keys=True)


def _json_text(value: Any) -> str | None:
    """Return a JSON column value as text: strings are taken as JSON already."""
    if isinstance(value, str) or value is None:
        return value
    if isinstance(value, float) and np.isnan(value):
        return None
    if isinstance(value, np.ndarray):
        value = value.tolist()
    return json.dumps(value, sort_keys=True, default=str)


def _canonical_json_array(table: Table, name: str, values: pa.Array) -> pa.Array:
    texts: list[str | None] = []
    problems: list[RowProblem] = []
    for row, value in enumerate(values.to_pylist()):
        text = _json_text(value)
        try:
            texts.append(None if text is None else canonical_json(text))
        except ValueError:
            problems.append(RowProblem(row, "*", f"{name} is not valid JSON"))
    if problems:
        raise InvalidBatch(table.qualified_name, problems)
    return pa.array(texts, type=pa.string())


def find_problems(table: Table, batch: pa.Table) -> list[RowProblem]:
    """Return every problem of a conformed batch, sorted by row."""
    found: list[tuple[int, str]] = []
    found += _null_problems(table, batch)
    found += _duplicate_key_problems(table, batch)
    rule = DOMAIN_RULES.get(table.qualified_name)
    if rule is not None:
        found += rule(batch)
    if not found:
        return []
    keys = _key_labels(table, batch, sorted({row for row, _ in found}))
    return [RowProblem(row, keys[row], reason) for row, reason in sorted(found)]


def _null_problems(table: Table, batch: pa.Table) -> list[tuple[int, str]]:
    problems = []
    for column in table.columns:
        if column.nullable:
            continue
        mask = batch.column(column.name).is_null().to_numpy(zero_copy_only=False)
        problems += [(int(row), f"{column.name} is missing") for row in np.flatnonzero(mask)]
    return problems


def _duplicate_key_problems(table: Table, batch: pa.Table) -> list[tuple[int, str]]:
    if batch.num_rows < 2:
        return []
    codes = [_order_codes(batch.column(k)) for k in table.key]
    if _strictly_increasing(codes):
        return []  # bulk loads arrive in key order: decided in one linear pass
    order = np.lexsort(codes[::-1])  # stable: among equal keys the first row stays first
    same = np.ones(batch.num_rows - 1, dtype=bool)
    for code in codes:
        ordered = code[order]
        same &= ordered[1:] == ordered[:-1]
    return [(int(row), "duplicate natural key in batch") for row in np.sort(order[1:][same])]


def _order_codes(column: pa.ChunkedArray) -> np.ndarray:
    """Return int64 codes that sort like the column's values (nulls sort first)."""
    values = column.combine_chunks()
    if pa.types.is_timestamp(values.type) or pa.types.is_date64(values.type):
        values = values.cast(pa.int64())
    elif pa.types.is_date32(values.type):
        values = values.cast(pa.int32())
    if pa.types.is_integer(values.type):
        values = values.cast(pa.int64())
        return np.asarray(values.fill_null(np.iinfo(np.int64).min).to_numpy(), dtype=np.int64)
    encoded = pc.dictionary_encode(values)
    dictionary = encoded.dictionary.to_numpy(zero_copy_only=False)
    ranks = np.argsort(np.argsort(dictionary, kind="stable")).astype(np.int64)
    if encoded.null_count == 0:
        codes: np.ndarray = ranks[encoded.indices.to_numpy()]
        return codes
    indices = encoded.indices.fill_null(-1).to_numpy()
    return np.where(indices < 0, -1, ranks[np.maximum(indices, 0)])


def _strictly_increasing(codes: list[np.ndarray]) -> bool:
    """Tell whether consecutive rows' key tuples strictly increase (so none repeat)."""
    decided = np.zeros(len(codes[0]) - 1, dtype=bool)
    for code in codes:
        previous, current = code[:-1], code[1:]
        if np.any(~decided & (current < previous)):
            return False
        decided |= current > previous
    return bool(decided.all())


def _key_labels(table: Table, batch: pa.Table, rows: list[int]) -> dict[int, str]:
    picked = batch.select(list(table.key)).take(pa.array(rows, type=pa.int64())).to_pylist()
    return {
        row: "/".join(str(v) for v in record.values())
        for row, record in zip(rows, picked, strict=True)
    }


def _float_column(batch: pa.Table, name: str) -> np.ndarray:
    column = batch.column(name).combine_chunks().fill_null(np.nan)
    values: np.ndarray = np.asarray(column.to_numpy(zero_copy_only=False), dtype=np.float64)
    return values


def _ohlcv_rule(batch: pa.Table) -> list[tuple[int, str]]:
    columns = ("open", "high", "low", "close", "volume")
    problems = bar_problems(*(_float_column(batch, name) for name in columns))
    # A missing value (pandas NaN arrives as null) is reported once, as missing.
    missing = {
        (int(row), f"{name} is NaN or infinite")
        for name in columns
        for row in np.flatnonzero(batch.column(name).is_null().to_numpy(zero_copy_only=False))
    }
    return [problem for problem in problems if problem not in missing]


DOMAIN_RULES: Mapping[str, Callable[[pa.Table], list[tuple[int, str]]]] = {
    "market_data.ohlcv": _ohlcv_rule,
}
