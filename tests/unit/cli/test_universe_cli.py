"""Specification of `tetra universe list` and `tetra universe groups`."""

from __future__ import annotations

import csv
import io
import json

from typer.testing import CliRunner, Result

from tetra.cli.universe import app
from tetra.data.universe import load_universe
from tetra.model.instruments import UniverseGroup

runner = CliRunner()


def invoke(*args: str) -> Result:
    return runner.invoke(app, list(args))


def test_list_filtered_by_group_prints_its_symbols_and_count() -> None:
    result = invoke("list", "--group", "crypto")

    assert result.exit_code == 0
    assert "BTC" in result.output
    assert "SPY" not in result.output
    assert "10 instruments" in result.output


def test_list_without_filters_counts_the_whole_universe() -> None:
    result = invoke("list")

    assert result.exit_code == 0
    assert f"{len(load_universe())} instruments" in result.output


def test_list_with_unknown_group_lists_the_valid_groups() -> None:
    result = invoke("list", "--group", "bonds")

    assert result.exit_code == 2
    assert all(group.value in result.output for group in UniverseGroup)


def test_list_with_unknown_theme_fails_naming_it() -> None:
    result = invoke("list", "--theme", "teleportation")

    assert result.exit_code == 2
    assert "teleportation" in result.output


def test_list_as_json_parses_to_records_of_the_filtered_instruments() -> None:
    result = invoke("list", "--theme", "quantum", "--asset-class", "equity", "--format", "json")

    records = json.loads(result.stdout)
    assert result.exit_code == 0
    assert {"IONQ", "RGTI", "QBTS"} <= {record["symbol"] for record in records}
    assert all(record["asset_class"] == "equity" for record in records)
    assert all("quantum" in record["themes"] for record in records)
    assert next(r["listed"] for r in records if r["symbol"] == "IONQ") == "2021-10-01"


def test_list_as_csv_writes_a_header_and_one_row_per_instrument() -> None:
    result = invoke("list", "--group", "largest_stocks", "--format", "csv")

    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert result.exit_code == 0
    assert len(rows) == 30
    assert next(row for row in rows if row["symbol"] == "BRK.B")["exchange"] == "NYSE"


def test_list_combines_filters() -> None:
    result = invoke("list", "-g", "themed_etfs", "-t", "nuclear", "-f", "json")

    symbols = {record["symbol"] for record in json.loads(result.stdout)}
    assert "NLR" in symbols
    assert "OKLO" not in symbols


def test_groups_prints_each_group_with_its_count() -> None:
    universe = load_universe()

    result = invoke("groups")

    assert result.exit_code == 0
    for group in UniverseGroup:
        count = len(universe.by_group(group))
        assert any(
            group.value in line and f" {count} " in line for line in result.output.splitlines()
        )
    assert f"{len(universe)} instruments in all" in result.output


def test_no_arguments_shows_help() -> None:
    result = invoke()

    assert "list" in result.output
    assert "groups" in result.output
