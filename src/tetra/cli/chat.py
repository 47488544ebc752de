"""`tetra chat`: ask the database in plain words, see the schema the models see, evaluate.

``tetra chat ask "latest close of SPY" --run`` prints the SQL (always shown: text-to-SQL is
wrong a quarter of the time even at its best), who wrote it, and with ``--run`` the rows.
``tetra chat eval --provider offline`` scores a provider on the evaluation questions.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.syntax import Syntax
from rich.table import Table

from tetra.chat.evaluation import EvalReport, Outcome, load_questions, run_eval
from tetra.chat.policy import Privacy
from tetra.chat.router import ProviderChoice
from tetra.chat.service import ChatService
from tetra.chat.translation import ProviderKind, Translator
from tetra.cli import strategy_chat
from tetra.cli.chat_wiring import build_chat
from tetra.cli.common import console, errors, fail_cleanly, opened_store, settings, store_url
from tetra.data.store_kind import StoreKind

app = typer.Typer(
    help="Ask the database in plain words: safe, read-only SQL you can see.",
    no_args_is_help=True,
)
app.command("strategy")(strategy_chat.strategy)
app.command("strategy-schema")(strategy_chat.strategy_schema)
app.command("strategy-eval")(strategy_chat.strategy_eval)

SAMPLE = typer.Option(True, "--sample/--live", help="Sample store (default) or live store.")
PROVIDER = typer.Option(
    "auto", help="auto, offline, local or cloud (local/cloud need TETRA_LLM_* settings)."
)
SHOWN_ROWS = 50


@contextmanager
def chat_over(sample: bool) -> Iterator[ChatService]:
    """Open the store of that kind and the chat over it; close both after."""
    kind = StoreKind.SAMPLE if sample else StoreKind.LIVE
    config = settings()
    with opened_store(kind) as store, fail_cleanly():
        chat = build_chat(config, store, store_url(kind, config))
        if chat is None:
            errors.print("[bold red]error:[/] the chat cannot read this kind of store")
            raise typer.Exit(1)
        try:
            yield chat
        finally:
            chat.close()


@app.command()
def ask(
    question: str = typer.Argument(..., help="The question, in quotes."),
    provider: str = PROVIDER,
    run: bool = typer.Option(False, "--run", help="Also run the SQL and print the rows."),
    sample: bool = SAMPLE,
) -> None:
    """Translate a question into SQL; print it, its provider and (with --run) the rows."""
    choice = _provider(provider)
    with chat_over(sample) as chat:
        answer = chat.ask(question, choice)
        console.print(Syntax(answer.sql, "sql", word_wrap=True))
        lock = " [magenta](private: local only)[/]" if answer.privacy is Privacy.PRIVATE else ""
        console.print(f"[dim]{answer.provider.value}: {answer.model}[/]{lock}")
        console.print(answer.explanation)
        if answer.note:
            console.print(f"[yellow]{answer.note}[/]")
        if answer.rejection is not None:
            errors.print(f"[bold red]rejected by the guard:[/] {answer.rejection}")
            raise typer.Exit(1)
        if run:
            _print_rows(chat, answer.sql)


@app.command()
def schema(
    audience: Privacy = typer.Option(
        Privacy.PRIVATE, help="public: what a cloud model sees; private: the local model."
    ),
    sample: bool = SAMPLE,
) -> None:
    """Print the schema context a model is given (commented DDL), and suggested questions."""
    with chat_over(sample) as chat:
        console.print(Syntax(chat.context(audience).render(), "sql", word_wrap=True))
        console.print("\n[bold]Suggested questions[/]")
        for suggestion in chat.suggestions():
            console.print(f"  • {suggestion}")


@app.command("eval")
def evaluate(
    provider: str = typer.Option("offline", help="offline, local or cloud."),
    sample: bool = SAMPLE,
    questions: Path | None = typer.Option(
        None, help="A question set (TOML) instead of the shipped one over the sample store."
    ),
    report: Path | None = typer.Option(None, help="Also write the Markdown report here."),
) -> None:
    """Score a provider's execution accuracy on the evaluation questions.

    Each question's SQL is guarded and run, and its rows compared with the reference query's
    (same rows, any column names; order only where the question asks for it).
    """
    choice = _provider(provider)
    loaded = load_questions(questions)
    with chat_over(sample) as chat:
        translator = _translator(chat, choice)
        audience = Privacy.PUBLIC if translator.kind is ProviderKind.CLOUD else Privacy.PRIVATE
        context = chat.context(audience)
        with Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
        ) as progress:
            task = progress.add_task(
                f"{translator.kind.value}: {translator.model}", total=len(loaded)
            )
            result = run_eval(
                translator,
                chat.executor,
                context,
                loaded,
                on_progress=lambda _: progress.advance(task),
            )
    _print_report(result)
    if report is not None:
        report.write_text(result.to_markdown() + "\n", encoding="utf-8")
        console.print(f"[dim]report written to {report}[/]")


def _translator(chat: ChatService, choice: ProviderChoice) -> Translator:
    translators: dict[str, Translator | None] = {
        "offline": chat.router.offline,
        "local": chat.router.local,
        "cloud": chat.router.cloud,
    }
    found = translators.get(choice)
    if found is None:
        name = "LOCAL" if choice == "local" else "CLOUD"
        errors.print(
            f"[bold red]error:[/] no {choice} model is configured "
            f"(set TETRA_LLM_{name}__BASE_URL and TETRA_LLM_{name}__MODEL)"
            if choice != "auto"
            else "[bold red]error:[/] eval needs one provider: offline, local or cloud"
        )
        raise typer.Exit(2)
    return found


def _print_report(result: EvalReport) -> None:
    outcomes = Table("outcome", "questions", header_style="bold")
    for outcome, count in result.counts.items():
        if count:
            outcomes.add_row(outcome.value, str(count))
    tags = Table("shape (tag)", "correct", "total", "accuracy", header_style="bold")
    for tag, (correct, total) in result.by_tag().items():
        tags.add_row(tag, str(correct), str(total), f"{correct / total:.0%}")
    console.print(outcomes, tags)
    console.print(
        f"[bold]{result.provider} ({result.model}) on {result.dialect}: execution accuracy "
        f"{result.correct}/{result.total} = {result.accuracy:.1%}[/] "
        f"in {result.elapsed_seconds:.1f} s; wrong answers (not refused): "
        f"{result.counts[Outcome.WRONG]}"
    )


def _print_rows(chat: ChatService, sql: str) -> None:
    done = chat.execute(sql)
    table = Table(*[str(c) for c in done.frame.columns], header_style="bold")
    for row in done.frame.head(SHOWN_ROWS).itertuples(index=False):
        table.add_row(*[_format(v) for v in row])
    console.print(table)
    more = f", first {SHOWN_ROWS} shown" if len(done.frame) > SHOWN_ROWS else ""
    capped = " (row cap reached)" if done.truncated else ""
    console.print(
        f"[dim]{len(done.frame)} rows{capped}{more} in {done.elapsed_seconds * 1000:.1f} ms[/]"
    )


def _format(value: object) -> str:
    if isinstance(value, pd.Timestamp) and value == value.normalize():
        return value.date().isoformat()
    if isinstance(value, float):
        return f"{value:,.4f}".rstrip("0").rstrip(".")
    return "" if value is None else str(value)


def _provider(name: str) -> ProviderChoice:
    choices: dict[str, ProviderChoice] = {
        "auto": "auto",
        "offline": "offline",
        "local": "local",
        "cloud": "cloud",
    }
    if name not in choices:
        errors.print(f"[bold red]error:[/] unknown provider {name!r}; use {', '.join(choices)}")
        raise typer.Exit(2)
    return choices[name]
