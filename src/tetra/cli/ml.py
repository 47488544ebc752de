"""`tetra ml`: features, training, evaluation, predictions and the model registry.

Data comes from the sample store unless ``--live``; runs are tracked in MLflow (SQLite under
the data directory unless ``TETRA_ML__TRACKING_URI`` names a server). Bad input exits 2.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import typer
from pydantic import ValidationError as PydanticError
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from tetra.cli.backtest_risk import RISK_POLICY, policy_of
from tetra.cli.common import console, errors, fail_cleanly, opened_store, settings
from tetra.cli.ml_views import (
    print_evaluation,
    print_models,
    print_predictions,
    print_training,
)
from tetra.core.errors import TetraError
from tetra.data.ports import Store
from tetra.data.store_kind import StoreKind
from tetra.ml import service
from tetra.ml.features import FEATURE_SETS, OPT_IN_SETS
from tetra.ml.robustness import PATH_MODELS
from tetra.ml.spec import TrainSpec
from tetra.ml.tracking import Tracker

app = typer.Typer(
    help="Machine learning: point-in-time features, purged validation, tracked models.",
    no_args_is_help=True,
)

EXIT_BAD_INPUT = 2
SAMPLE = typer.Option(True, "--sample/--live", help="Sample store (default) or live store.")
SYMBOLS = typer.Option("", help="Comma-separated symbols (default: every stored symbol).")
START = typer.Option("", help="First day, YYYY-MM-DD (default: the store's first).")
END = typer.Option("", help="Last day, inclusive (default: the store's last).")
DEFAULT_SETS = ",".join(name for name in FEATURE_SETS if name not in OPT_IN_SETS)
SETS = typer.Option(
    DEFAULT_SETS, "--sets", help=f"Comma-separated feature sets (known: {', '.join(FEATURE_SETS)})."
)
NAME = typer.Argument(..., help="Registered model name.")
VERSION = typer.Option(
    None, min=1, help="Model version (default: production for --book, else latest)."
)
BOOK = typer.Option(None, help="Book id whose production version to use.")


def tracker() -> Tracker:
    """The configured tracker: MLflow on SQLite under data_dir, or a server."""
    from tetra.adapters.tracking.mlflow import MlflowTracker

    config = settings()
    if config.artifact_dir is not None:
        config.artifact_dir.mkdir(parents=True, exist_ok=True)
    config.data_dir.mkdir(parents=True, exist_ok=True)
    return MlflowTracker(config.tracking_uri, config.artifact_dir)


@app.command("features")
def features(
    sets: str = SETS, symbols: str = SYMBOLS, start: str = START, end: str = END,
    sample: bool = SAMPLE,
) -> None:  # fmt: skip
    """Build feature sets point in time and store them (derived.features) with their version."""
    with _store(sample) as store, _progress() as tick:
        wanted, first, last = _window(store, symbols, start, end)
        written, labels = _checked(
            lambda: service.build_and_store(
                store, _list(sets), wanted, first, last, now=_now(), progress=tick
            )
        )
    console.print(
        f"stored [bold]{written:,}[/] values of {', '.join(labels)} for {len(wanted)} symbols, "
        f"{first} to {last}"
    )


@app.command("train")
def train(
    name: str = typer.Option("tetra-model", help="Registered model name."),
    model: str = typer.Option(
        "lightgbm", help="linear, logistic, hist_gb, random_forest or lightgbm."
    ),
    param: list[str] = typer.Option([], "--param", help="Model parameter name=value; repeatable."),
    sets: str = SETS, label: str = typer.Option("excess_return", help="forward_return, "
    "excess_return, forward_rank, triple_barrier."),
    horizon: int = typer.Option(5, help="Label horizon in days."),
    validation: str = typer.Option("cpcv", help="cpcv, walk_forward (anchored) or rolling."),
    groups: int = typer.Option(6, help="CPCV groups."), test_groups: int = typer.Option(2),
    embargo: int = typer.Option(5, help="Days embargoed after each test block."),
    train_days: int = typer.Option(756, help="Walk-forward: days per (rolling) train window."),
    test_days: int = typer.Option(126, help="Walk-forward: days per test window."),
    seed: int = typer.Option(0), top_k: int = typer.Option(10, help="Signal backtest: top k."),
    risk_policy: str | None = RISK_POLICY,
    symbols: str = SYMBOLS, start: str = START, end: str = END, sample: bool = SAMPLE,
) -> None:  # fmt: skip
    """Train a model with purged validation; track it in MLflow and register a version.

    With --risk-policy the report's signal backtests (model and baseline) run through the
    risk gate, and its interventions are printed and tracked.
    """
    spec = _checked(
        lambda: TrainSpec.model_validate(
            {"name": name, "model": model, "params": _params(param),
             "feature_sets": tuple(_list(sets)), "label": label, "horizon": horizon,
             "validation": validation, "groups": groups, "test_groups": test_groups,
             "embargo": embargo, "train_days": train_days, "test_days": test_days,
             "seed": seed, "signal": {"top_k": top_k}}
        )
    )  # fmt: skip
    policy = _checked(lambda: policy_of(risk_policy))
    with _store(sample) as store, _progress() as tick:
        wanted, first, last = _window(store, symbols, start, end)
        result = _checked(
            lambda: service.train_and_track(
                store, tracker(), spec, wanted, first, last, progress=tick, risk_policy=policy
            )
        )
    print_training(result, sample)


@app.command("evaluate")
def evaluate(
    name: str = NAME, version: int | None = VERSION, book: str | None = BOOK,
    start: str = START, end: str = END,
    paths: int = typer.Option(0, min=0, help="Also score it on N simulated market paths."),
    path_model: str = typer.Option(
        "bootstrap", help=f"Market model of the paths ({', '.join(PATH_MODELS)}), calibrated "
        "on the version's training window only."
    ),
    states: int = typer.Option(2, help="Regimes of the regime path model (2 or 3)."),
    seed: int = typer.Option(0, min=0, help="Seed of the paths and of the guard's sample."),
    risk_policy: str | None = RISK_POLICY, sample: bool = SAMPLE,
) -> None:  # fmt: skip
    """Score a registered version on a window against the baseline; guard and trade it.

    With --paths it is also scored on simulated markets: per path the mean daily IC and the
    Sharpe of its ml_signal backtest, summarised as percentiles (same seed, same paths).
    """
    request = _checked(lambda: service.PathsRequest(paths, seed, path_model, states))
    policy = _checked(lambda: policy_of(risk_policy))
    with _store(sample) as store, _progress() as tick:
        _, first, last = _window(store, "", start, end)
        found = _checked(
            lambda: service.evaluate_version(
                store, tracker(), name, version=version, book=book, start=first, end=last,
                paths=request, risk_policy=policy, progress=tick,
            )
        )  # fmt: skip
    print_evaluation(found, first, last, sample)


@app.command("predict")
def predict(
    name: str = NAME, version: int | None = VERSION, book: str | None = BOOK,
    start: str = typer.Option("", help="First day (default: the last stored day)."),
    end: str = typer.Option("", help="Last day (default: the last stored day)."),
    sample: bool = SAMPLE,
) -> None:  # fmt: skip
    """Write a registered version's predictions to derived.predictions."""
    first, last = _checked(lambda: (_date(start), _date(end)))
    with _store(sample) as store:
        fitted, predictions = _checked(
            lambda: service.predict_and_store(
                store, tracker(), name, version=version, book=book, start=first, end=last,
                now=_now(),
            )
        )  # fmt: skip
    print_predictions(fitted, predictions)


@app.command("models")
def models(name: str | None = typer.Argument(None, help="A model: list its versions.")) -> None:
    """List registered models, or one model's versions with metrics and production books."""
    found = tracker()
    with fail_cleanly():
        print_models(found, name)


@app.command("promote")
def promote(
    name: str = NAME, version: int = typer.Argument(..., min=1),
    book: str = typer.Option(..., help="Book id (letters, digits, '_', '-')."),
) -> None:  # fmt: skip
    """Make a version the production model of a book."""
    _checked(lambda: tracker().promote(name, version, book))
    console.print(f"{name} v{version} is now in production for book [bold]{book}[/]")


@contextmanager
def _store(sample: bool) -> Iterator[Store]:
    with opened_store(StoreKind.SAMPLE if sample else StoreKind.LIVE) as store:
        yield store


def _window(store: Store, symbols: str, start: str, end: str) -> tuple[list[str], dt.date, dt.date]:
    first, last = _checked(lambda: service.stored_window(store))
    wanted = _list(symbols.upper()) or service.stored_symbols(store)
    window = _checked(lambda: (_date(start) or first, _date(end) or last))
    return wanted, window[0], window[1]


def _checked(make: Callable[[], Any]) -> Any:
    """Call `make`; invalid input exits 2 with the reason, Tetra errors exit 1."""
    try:
        return make()
    except PydanticError as error:
        problems = [f"{'.'.join(map(str, e['loc'])) or 'spec'}: {e['msg']}" for e in error.errors()]
        _bad("; ".join(problems))
    except KeyError as error:
        _bad(str(error).strip("'\""))
    except (TetraError, ValueError) as error:
        _bad(str(error))


def _bad(message: str) -> None:
    errors.print(f"[bold red]error:[/] {message}")
    raise typer.Exit(EXIT_BAD_INPUT)


def _list(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _date(text: str) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _params(pairs: list[str]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        if not sep or not key:
            raise ValueError(f"--param takes name=value, not {pair!r}")
        found[key.strip()] = _number(raw.strip())
    return found


def _number(raw: str) -> Any:
    for kind in (int, float):
        try:
            return kind(raw)
        except ValueError:
            continue
    return {"true": True, "false": False}.get(raw.lower(), raw)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@contextmanager
def _progress() -> Iterator[Callable[[str, int, int], None]]:
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=True) as bars:
        task = bars.add_task("starting", total=None)

        def advance(stage: str, done: int, total: int) -> None:
            bars.update(task, description=stage, completed=done, total=total)

        yield advance
