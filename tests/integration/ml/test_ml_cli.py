"""`tetra ml` on a small sample store: features, train, models, promote, predict, evaluate."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from tetra.adapters.stores import open_store
from tetra.cli.backtest import app as backtest_app
from tetra.cli.ml import app
from tetra.data.ports import Query
from tetra.data.store_kind import StoreKind

runner = CliRunner()


@pytest.fixture
def data_dir(ml_store_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "sample.duckdb").write_bytes(ml_store_path.read_bytes())
    monkeypatch.setenv("TETRA_DATA_DIR", str(tmp_path))
    for name in ("TETRA_STORE_URL", "TETRA_SAMPLE_STORE_URL", "TETRA_ML__TRACKING_URI"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def test_train_promote_predict_and_evaluate_from_the_command_line(data_dir: Path) -> None:
    trained = runner.invoke(
        app, ["train", "--name", "cli-model", "--model", "linear", "--sets",
              "price_volume,cross_section", "--validation", "walk_forward", "--top-k", "3",
              "--train-days", "252", "--test-days", "63",
              "--start", "2023-06-01", "--risk-policy", "default"],
    )  # fmt: skip
    assert trained.exit_code == 0, trained.output
    assert "baseline" in trained.output
    assert "ml_signal under the risk policy" in trained.output
    assert "Risk interventions" in trained.output
    assert "registered cli-model v1" in trained.output
    assert (data_dir / "mlflow.db").exists()

    promoted = runner.invoke(app, ["promote", "cli-model", "1", "--book", "core-us"])
    predicted = runner.invoke(
        app, ["predict", "cli-model", "--book", "core-us", "--start", "2025-12-01"]
    )
    traded = runner.invoke(
        backtest_app, ["run", "ml_signal", "--param", "model=cli-model", "--param", "top_k=2",
                       "--symbols", "SPY,QQQ,IWM,TLT,GLD,AAPL", "--start", "2025-12-01",
                       "--no-save"],
    )  # fmt: skip
    listed = runner.invoke(app, ["models", "cli-model"])
    evaluated = runner.invoke(
        app, ["evaluate", "cli-model", "--start", "2025-10-01", "--paths", "2",
              "--path-model", "regime", "--seed", "4", "--risk-policy", "default"],
    )  # fmt: skip

    assert promoted.exit_code == 0, promoted.output
    assert predicted.exit_code == 0, predicted.output
    assert "Top 10 on 2025-12-31" in predicted.output
    assert "core-us" in listed.output
    assert evaluated.exit_code == 0, evaluated.output
    assert "look-ahead guard: predictions unchanged" in evaluated.output
    assert "robustness on 2 regime paths (calibrated on 2023-" in evaluated.output
    assert "Per path: mean daily IC, and the Sharpe of ml_signal" in evaluated.output
    assert "p95" in evaluated.output
    assert "Risk interventions" in evaluated.output  # 3 holdings of a third each: resized
    with open_store(data_dir / "sample.duckdb", StoreKind.SAMPLE) as store:
        stored = store.read(Query("derived.predictions", where={"model": "cli-model"}))
    assert set(stored["model_version"]) == {1}
    assert len(stored) == 22 * 11  # the 22 sessions of December 2025
    assert traded.exit_code == 0, traded.output
    assert "ml_signal(" in traded.output
    assert "look-ahead" not in traded.output


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["train", "--model", "prophet"], "unknown model 'prophet'"),
        (["train", "--sets", "price_volume,astrology"], "unknown feature sets"),
        (["train", "--horizon", "0"], "horizon"),
        (["train", "--param", "alpha"], "name=value"),
        (["train", "--risk-policy", "no-such-policy.toml"], "no-such-policy.toml"),
        (["predict", "no-such-model"], "no registered model 'no-such-model'"),
        (["promote", "x", "1", "--book", "bad book"], "book"),
        (["features", "--sets", "nope"], "unknown feature sets"),
        (["evaluate", "x", "--paths", "2", "--path-model", "astrology"], "unknown path model"),
        (["evaluate", "x", "--risk-policy", "no-such-policy.toml"], "no-such-policy.toml"),
    ],
)
def test_bad_input_exits_2_with_the_reason(
    data_dir: Path, arguments: list[str], message: str
) -> None:
    result = runner.invoke(app, arguments)

    assert result.exit_code == 2, result.output
    assert message in result.output
