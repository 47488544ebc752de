"""The thin edge between callers and kernels: coercion, pandas round-trips, panel looping."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt
import pandas as pd

Array = npt.NDArray[np.float64]
Values = TypeVar("Values", npt.NDArray[Any], "pd.Series[Any]", pd.DataFrame)


def as_array(values: npt.ArrayLike | pd.Series[Any] | pd.DataFrame) -> Array:
    """Return `values` as a C-contiguous float64 array of one series (1-D) or a panel (2-D)."""
    if isinstance(values, pd.Series | pd.DataFrame):
        values = values.to_numpy(dtype=np.float64, na_value=np.nan)
    array = np.ascontiguousarray(values, dtype=np.float64)
    if array.ndim not in (1, 2):
        raise ValueError(f"expected one series (1-D) or a T x N panel (2-D), got {array.ndim}-D")
    return array


def as_arrays(*values: Values) -> tuple[Array, ...]:
    """Coerce several inputs (high, low, close, ...) that must share one shape."""
    arrays = tuple(as_array(value) for value in values)
    if len({array.shape for array in arrays}) > 1:
        raise ValueError(f"inputs differ in shape: {[array.shape for array in arrays]}")
    return arrays


def like(template: Values, result: npt.NDArray[Any]) -> Values:
    """Return `result` as the same kind as `template`: array, Series or DataFrame (same labels)."""
    if isinstance(template, pd.DataFrame):
        return pd.DataFrame(result, index=template.index, columns=template.columns)
    if isinstance(template, pd.Series):
        return pd.Series(result, index=template.index, name=template.name)
    return result


def on_panel(kernel: Callable[..., Array], values: Array, *params: Any) -> Array:
    """Run a T x N kernel on a panel, or on one series viewed as a one-column panel."""
    if values.ndim == 2:
        return kernel(values, *params)
    return kernel(values.reshape(-1, 1), *params)[:, 0]


def on_columns(
    kernel: Callable[..., tuple[Array, ...]], arrays: tuple[Array, ...], *params: Any
) -> tuple[Array, ...]:
    """Run a one-series kernel (returning a tuple) on each column of same-shaped inputs."""
    if arrays[0].ndim == 1:
        return kernel(*arrays, *params)
    n_rows, n_cols = arrays[0].shape
    if n_cols == 0:
        n_outputs = len(kernel(*(np.full(n_rows, np.nan) for _ in arrays), *params))
        return tuple(np.empty((n_rows, 0)) for _ in range(n_outputs))
    per_column = [
        kernel(*(np.ascontiguousarray(array[:, col]) for array in arrays), *params)
        for col in range(n_cols)
    ]
    return tuple(np.column_stack(outputs) for outputs in zip(*per_column, strict=True))


def on_columns_single(
    kernel: Callable[..., Array], arrays: tuple[Array, ...], *params: Any
) -> Array:
    """Run a one-series, one-output kernel on each column of same-shaped inputs."""
    return on_columns(lambda *args: (kernel(*args),), arrays, *params)[0]


def check_period(name: str, value: int, minimum: int) -> None:
    """Reject a window length below `minimum` (TA-Lib's own lower bound where it has one)."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
