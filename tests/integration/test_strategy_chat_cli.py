"""`tetra chat strategy` on a small sample store: an idea, a refinement, clear refusals."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tetra.cli.chat import app

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


def test_json_output_carries_the_spec_hash_and_digest() -> None:
    result = runner.invoke(
        app, ["strategy", "rotate monthly between QQQ and TLT by 3-month momentum", "--json"]
    )

    assert result.exit_code == 0, result.output
    version = json.loads(result.output)
    assert len(version["spec_hash"]) == 64
    assert version["evidence"]["walk_forward"]["folds"] >= 4


def test_a_symbol_without_data_is_one_clear_line() -> None:
    result = runner.invoke(app, ["strategy", "pair trade KO and PEP at 2 standard deviations"])

    assert result.exit_code == 1
    assert "no data for this spec" in result.output
    assert "Traceback" not in result.output
