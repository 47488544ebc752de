"""`tetra chat strategy`: describe a strategy idea, refine it, and see the evidence.

``tetra chat strategy "buy SPY when RSI(14) falls below 30 and sell above 70" "add a stop at
2 ATR"`` runs one turn per argument (each later one refines the version before) and prints,
per version, the spec in words, the diff, the metrics, the walk-forward, the deflated Sharpe,
the Monte Carlo and the caveats, then the stress table (computed after the first result, so
the rest is on screen while it runs). Nothing is saved unless `--approve-as NAME` is given.
"""

from __future__ import annotations

import json
import math
from decimal import Decimal
from pathlib import Path

import typer
from rich.table import Table

from tetra.cli.chat_wiring import strategy_router
from tetra.cli.common import console, errors, fail_cleanly, opened_store, settings
from tetra.core.clock import SystemClock
from tetra.data.ports import Store
from tetra.data.store_kind import StoreKind
from tetra.portfolio import StoredBooks
from tetra.strategy.spec import canonical_json, json_schema
from tetra.strategy.spec.evaluation import evaluate_parser
from tetra.strategy_chat.approvals import Action, ApprovalRefused, ApprovalRequest, Approvals
from tetra.strategy_chat.service import (
    StoreMarketSource,
    StrategyChat,
    StressTable,
    TurnFailed,
    Version,
)

SCHEMA_PATH = Path("docs/strategy-spec.schema.json")


def strategy(
    ideas: list[str] = typer.Argument(..., help="The idea, then any refinements, each quoted."),
    provider: str = typer.Option("auto", help="auto, offline, local or cloud."),
    sample: bool = typer.Option(True, "--sample/--live", help="Sample store or live store."),
    as_json: bool = typer.Option(False, "--json", help="Print every version as JSON."),
    approve_as: str | None = typer.Option(
        None, "--approve-as", help="Your name: save the last version shown (your decision)."
    ),
    book: str | None = typer.Option(None, help="With --approve-as: add it to this paper book."),
    weight: float = typer.Option(1.0, help="With --book: its share of the book's capital."),
) -> None:
    """Turn an idea into a validated spec, backtest it, walk it forward, and say how weak it is.

    Nothing is saved unless you pass --approve-as with your name: then the last version, as
    printed, is saved (or added to the paper book --book), recorded with your name and time.
    """
    kind = StoreKind.SAMPLE if sample else StoreKind.LIVE
    with opened_store(kind) as store, fail_cleanly():
        config = settings()
        chat = StrategyChat(
            strategy_router(config), StoreMarketSource(store), config.risk_policy_dir
        )
        try:
            version = _converse(chat, ideas, provider, as_json)
        finally:
            chat.close()
        if approve_as is not None and version is not None:
            _approve(store, version, approve_as, book, weight)


def _converse(chat: StrategyChat, ideas: list[str], provider: str, as_json: bool) -> Version | None:
    conversation_id, version = None, None
    for idea in ideas:
        try:
            conversation, version = chat.turn(idea, conversation_id, provider)  # type: ignore[arg-type]
        except TurnFailed as failure:
            errors.print(f"[bold red]cannot use {idea!r}:[/] {failure}")
            raise typer.Exit(1) from failure
        conversation_id = conversation.id
        if not as_json:
            _show(version)
        table = chat.stress(conversation.id, version.number)
        if as_json:
            console.print_json(json.dumps(_as_json(version, table), default=str))
        else:
            _show_stress(table)
    return version


def _approve(store: Store, version: Version, by: str, book: str | None, weight: float) -> None:
    action: Action = "save" if book is None else "add_to_book"
    request = ApprovalRequest(
        by, action, version.spec_hash, version.results_digest, book, Decimal(str(weight))
    )
    try:
        approval = Approvals(store, StoredBooks(store), SystemClock()).approve(version, request)
    except ApprovalRefused as refused:
        errors.print(f"[bold red]not approved:[/] {refused}")
        raise typer.Exit(1) from refused
    where = f" to paper book {approval.book} (version {approval.book_version})" if book else ""
    console.print(
        f"[green]approved[/] by {approval.approved_by} at {approval.approved_at}: "
        f"{approval.action}{where}, spec {approval.spec_hash[:12]}"
    )


def _as_json(version: Version, stress: StressTable) -> dict[str, object]:
    evidence = version.evidence.as_dict()
    evidence.pop("equity"), evidence.pop("drawdown")
    evidence["stress_missing"] = stress.missing
    return {
        "version": version.number,
        "spec": json.loads(canonical_json(version.spec)),
        "spec_hash": version.spec_hash,
        "results_digest": version.results_digest,
        "provider": version.provider,
        "words": version.words,
        "diff": version.diff,
        "evidence": evidence,
        "reply": version.reply,
    }


def _show(version: Version) -> None:
    console.rule(f"version {version.number} · {version.provider} · spec {version.spec_hash[:12]}")
    for line in version.words:
        console.print(f"  {line}")
    for line in version.diff:
        console.print(f"  [yellow]changed[/] {line}")
    for note in version.notes:
        console.print(f"  [dim]note: {note}[/]")
    table = Table("candidate", "Sharpe", "total return", "fills")
    for candidate in version.evidence.candidates:
        table.add_row(
            candidate.label, _fmt(candidate.sharpe), _fmt(candidate.total_return, pct=True),
            str(candidate.fills),
        )  # fmt: skip
    console.print(table)
    console.print(version.reply)
    console.print(f"[dim]results digest {version.results_digest[:16]}[/]")


def _show_stress(table: StressTable) -> None:
    if not table.rows:
        console.print(f"[dim]no stress table: {table.missing}[/]")
        return
    shown = Table("stress scenario", "method", "return", "max drawdown")
    for row in table.rows:
        shown.add_row(
            row["scenario"], row["method"], _fmt(row["return"], pct=True),
            _fmt(row["max_drawdown"], pct=True),
        )  # fmt: skip
    console.print(shown)


def _fmt(value: float, *, pct: bool = False) -> str:
    if not math.isfinite(value):
        return "n/a"
    return f"{value:.1%}" if pct else f"{value:.2f}"


def strategy_schema(
    out: Path = typer.Option(SCHEMA_PATH, help="Where to write the JSON schema."),
) -> None:
    """Write the strategy spec's JSON schema (what a model is asked to fill)."""
    out.write_text(json.dumps(json_schema(), indent=2, sort_keys=True) + "\n")
    console.print(f"wrote {out}")


def strategy_eval() -> None:
    """Score the offline parser on the shipped evaluation set of strategy ideas."""
    outcomes = evaluate_parser()
    for name in ("dev", "held_out"):
        chosen = [o for o in outcomes if o.idea.set == name]
        console.print(f"{name}: {sum(o.correct for o in chosen)}/{len(chosen)}")
    for outcome in outcomes:
        if not outcome.correct:
            console.print(f"[red]miss[/] {outcome.idea.text}\n  got {outcome.got[:200]}")
