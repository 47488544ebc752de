"""`tetra chat strategy` on a small sample store: an idea, a refinement, clear refusals."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tetra.adapters.stores import open_store
from tetra.cli.chat import app
from tetra.data.store_kind import StoreKind
from tetra.portfolio import BookMode, StoredBooks
from tetra.simulation.scenarios.catalog import shipped_scenarios

runner = CliRunner()


@pytest.fixture(autouse=True)
def data_dir(simulation_data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TETRA_DATA_DIR", str(simulation_data_dir))
    monkeypatch.setenv("COLUMNS", "200")
    for name in ("TETRA_STORE_URL", "TETRA_SAMPLE_STORE_URL", "TETRA_LLM_CLOUD__BASE_URL",
                 "TETRA_LLM_LOCAL__BASE_URL"):  # fmt: skip
        monkeypatch.delenv(name, raising=False)
    return simulation_data_dir


def test_an_idea_and_a_refinement_print_two_versions_with_their_evidence() -> None:
    result = runner.invoke(
        app,
        ["strategy", "buy SPY when RSI(14) falls below 30 and sell above 70",
         "add a stop at 2 ATR", "--provider", "offline"],
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    assert "version 1" in result.output
    assert "version 2" in result.output
    assert "changed strategy.stop" in result.output
    assert "Walk-forward over" in result.output
    assert result.output.count("stress scenario") == 2, "each version prints its stress table"
    assert result.output.index("Walk-forward over") < result.output.index("stress scenario")


def test_json_output_carries_the_spec_hash_and_digest() -> None:
    result = runner.invoke(
        app, ["strategy", "rotate monthly between QQQ and TLT by 3-month momentum", "--json"]
    )

    assert result.exit_code == 0, result.output
    version = json.loads(result.output)
    assert len(version["spec_hash"]) == 64
    assert version["evidence"]["walk_forward"]["folds"] >= 4
    stress = version["evidence"]["stress"]
    assert [row["scenario"] for row in stress] == [s.title for s in shipped_scenarios().values()]
    assert {row["method"] for row in stress} <= {"replay", "factor"}
    assert version["evidence"]["stress_missing"] == ""


def test_a_symbol_without_data_is_one_clear_line() -> None:
    result = runner.invoke(app, ["strategy", "pair trade KO and PEP at 2 standard deviations"])

    assert result.exit_code == 1
    assert "no data for this spec" in result.output
    assert "Traceback" not in result.output


def test_approve_as_adds_the_last_version_to_a_paper_book_and_nothing_is_saved_without_it(
    data_dir: Path,
) -> None:
    idea = "buy SPY when RSI(14) falls below 30 and sell above 70"
    plain = runner.invoke(app, ["strategy", idea])
    approved = runner.invoke(
        app, ["strategy", idea, "--approve-as", "Ada Lovelace", "--book", "cli-ideas",
              "--weight", "0.25"],
    )  # fmt: skip

    assert plain.exit_code == 0, plain.output
    assert approved.exit_code == 0, approved.output
    assert "approved by Ada Lovelace" in approved.output
    store = open_store(str(data_dir / "sample.duckdb"), StoreKind.SAMPLE)
    try:
        assert store.count("strategies.approvals") == 1
        book = StoredBooks(store).book("cli-ideas")
        assert book is not None
        assert book.book.mode is BookMode.PAPER
    finally:
        store.close()


def test_a_universe_group_trades_the_members_the_store_holds() -> None:
    result = runner.invoke(
        app, ["strategy", "buy and hold the largest ETFs, rebalanced monthly", "--json"]
    )

    assert result.exit_code == 0, result.output
    spec = json.loads(result.output)["spec"]
    assert spec["universe"] == {"group": "largest_etfs"}
    assert spec["symbols"] == ["GLD", "QQQ", "SPY", "TLT"]
    assert spec["rebalance"] == "monthly"


def test_a_group_the_store_does_not_hold_is_one_clear_line() -> None:
    result = runner.invoke(app, ["strategy", "buy and hold the quantum stocks"])

    assert result.exit_code == 1
    assert "no group 'quantum'" in result.output
    assert "Traceback" not in result.output
