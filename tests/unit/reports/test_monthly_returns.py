"""Specification of the years x months return table behind the tearsheet heatmap."""

from __future__ import annotations

import datetime as dt

import empyrical
import numpy as np
import pandas as pd
import pytest

from tetra.reports.periodic import monthly_returns_table, yearly_returns


def test_months_compound_and_a_year_boundary_starts_a_new_row() -> None:
    index = pd.DatetimeIndex(
        ["2023-11-30", "2023-12-01", "2023-12-29", "2024-01-02", "2024-01-31"], tz="UTC"
    )
    returns = pd.Series([0.01, 0.10, -0.05, 0.02, 0.03], index=index)

    table = monthly_returns_table(returns)

    assert list(table.index) == [2023, 2024]
    assert list(table.columns) == list(range(1, 13))
    assert table.loc[2023, 11] == pytest.approx(0.01)
    assert table.loc[2023, 12] == pytest.approx(1.10 * 0.95 - 1)
    assert table.loc[2024, 1] == pytest.approx(1.02 * 1.03 - 1)
    assert table.loc[2023, 1:10].isna().all()
    assert table.loc[2024, 2:12].isna().all()


def test_yearly_returns_compound_the_months_of_each_year() -> None:
    index = pd.DatetimeIndex(["2023-11-30", "2023-12-29", "2024-01-02"], tz="UTC")
    table = monthly_returns_table(pd.Series([0.01, 0.10, -0.02], index=index))

    yearly = yearly_returns(table)

    assert yearly[2023] == pytest.approx(1.01 * 1.10 - 1)
    assert yearly[2024] == pytest.approx(-0.02)


def test_monthly_returns_equal_empyrical_aggregation() -> None:
    index = pd.date_range("2022-10-03", "2024-03-28", freq="B", tz="UTC")
    returns = pd.Series(np.random.default_rng(11).normal(0.0, 0.01, len(index)), index=index)

    table = monthly_returns_table(returns)

    expected = empyrical.aggregate_returns(returns, "monthly")
    ours = table.stack().dropna()
    assert np.allclose(ours.to_numpy(), expected.to_numpy(), rtol=1e-12)
    assert list(ours.index) == list(expected.index)


def test_dates_index_is_accepted() -> None:
    returns = pd.Series([0.01, 0.02], index=[dt.date(2023, 12, 29), dt.date(2024, 1, 2)])

    table = monthly_returns_table(returns)

    assert table.loc[2023, 12] == pytest.approx(0.01)
    assert table.loc[2024, 1] == pytest.approx(0.02)


def test_no_returns_give_an_empty_table_with_twelve_months() -> None:
    table = monthly_returns_table(pd.Series([], dtype="float64"))

    assert table.empty
    assert list(table.columns) == list(range(1, 13))
