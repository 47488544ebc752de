"""`tetra chat`: ask the database in plain words, see the schema the models see, evaluate.

``tetra chat ask "latest close of SPY" --run`` prints the SQL (always shown: text-to-SQL is
wrong a quarter of the time even at its best), who wrote it, and with ``--run`` the rows.
``tetra chat eval --provider offline`` scores a provider on the evaluation questions.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pandas as pd
import typer
from rich.syntax import Syntax
from rich.table import Table

from tetra.chat.policy import Privacy
from tetra.chat.router import ProviderChoice
from tetra.chat.service import ChatService
from tetra.cli.chat_wiring import build_chat
from tetra.cli.common import console, errors, fail_cleanly, opened_store, settings, store_url
from tetra.data.store_kind import StoreKind

app = typer.Typer(
    help="Ask the database in plain words: safe, read-only SQL you can see.",
    no_args_is_help=True,
)

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
