"""A person decides: saving a spec, or adding it to a paper book, is an explicit action.

Nothing in a conversation calls this module: only the API's approval route and the CLI's
``tetra chat approve`` do, on a request naming the person, the version and what they saw
(its spec hash and results digest, which must match the version's, so nobody approves
numbers other than the ones shown). The decision is stored in `strategies.approvals`.

`add_to_book` adds the spec to a book through the portfolio's `BookStore`, creating the
book in paper mode if it does not exist; a book in live mode is refused (going live is
never offered from a conversation), and so is a book whose weights would pass 1. A library
spec joins as its library strategy and parameters (symbols included); a rule spec as the
``strategy_spec`` strategy whose parameters hold the canonical spec and its hash
(`tetra.strategy.spec.sleeve`), read back and checked before the book is stored; the daily
cycle compiles it from that spec, trading the symbols its backtest ran on (every symbol the
spec reads, which the book's symbols take).

The book also takes what the evidence ran under (`book_risk`), so the daily cycle trades
the spec as it was backtested: its `sizing` as the book's `sizing` table, and its risk
policy as ``risk_policy = "default"`` (the shipped one, unchanged) or else written out in
the book (`risk_policy_table`: a named file's policy with the spec's drawdown limit, as
`policy_of` built it), so a later edit of the file does not change the book. Those settings
apply to every strategy of a book, so a book already running other strategies under other
settings (or with exits, which the spec's backtest did not have) is refused.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

import pandas as pd

from tetra.core.clock import Clock
from tetra.core.errors import TetraError
from tetra.data.ports import Query, Store
from tetra.portfolio import Book, BookMode, BookStore, StrategyAllocation
from tetra.risk.policy import RiskPolicy, RiskPolicyError
from tetra.risk.sizing_policy import SizingPolicy, SizingPolicyError, parse_sizing
from tetra.strategy.spec import SPEC_VERSION, StrategySpec, canonical_json
from tetra.strategy.spec.compile import SpecRejected, rebalance_param, sizing_policy
from tetra.strategy.spec.model import LibraryStrategy
from tetra.strategy.spec.sleeve import SPEC_STRATEGY, read_spec_params, spec_params
from tetra.strategy_chat.evidence import policy_of
from tetra.strategy_chat.service import Version

__all__ = [
    "SPEC_STRATEGY",
    "Action",
    "Approval",
    "ApprovalRefused",
    "ApprovalRequest",
    "Approvals",
    "BookRisk",
    "book_risk",
]

TABLE = "strategies.approvals"
_PERSON = re.compile(r"^[\w][\w .'@-]{1,79}$")
_BOOK = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")

Action = Literal["save", "add_to_book"]


class ApprovalRefused(TetraError):
    """The approval was refused; the message says why (nothing was stored)."""


@dataclass(frozen=True)
class ApprovalRequest:
    approved_by: str
    action: Action
    spec_hash: str  # the hash the person saw
    results_digest: str  # the digest of the results the person saw
    book: str | None = None
    weight: Decimal = Decimal(1)
    capital: Decimal = Decimal(100_000)


@dataclass(frozen=True)
class Approval:
    approval_id: str
    action: str
    spec_hash: str
    results_digest: str
    approved_by: str
    approved_at: str
    book: str | None
    book_version: int | None
    mode: str


@dataclass(frozen=True)
class BookRisk:
    """A book's risk settings, as `Book` holds them: what applies to all its strategies."""

    risk_policy: str | None = None
    risk_policy_table: dict[str, Any] = dataclasses.field(default_factory=dict)
    sizing: dict[str, Any] = dataclasses.field(default_factory=dict)
    exits: dict[str, float] = dataclasses.field(default_factory=dict)

    @classmethod
    def of(cls, book: Book) -> BookRisk:
        """Return `book`'s settings, its sizing in full (each setting, defaults included)."""
        sizing = dict(book.sizing)
        if sizing:
            with contextlib.suppress(SizingPolicyError):  # a bad table is compared as it is
                sizing = _sizing_table(parse_sizing(sizing))
        return cls(book.risk_policy, dict(book.risk_policy_table), sizing, dict(book.exits))

    def describe(self) -> str:
        if self.risk_policy is not None:
            policy = f"the {self.risk_policy!r} risk policy"
        else:
            policy = "a risk policy of its own" if self.risk_policy_table else "no risk policy"
        sizing = f"sizing by {self.sizing['method']}" if self.sizing else "no sizing"
        exits = f", exits {', '.join(sorted(self.exits))}" if self.exits else ""
        return f"{policy}, {sizing}{exits}"


def book_risk(version: Version) -> BookRisk:
    """Return the book settings that trade `version`'s spec as its evidence ran (see the
    module docstring); raise `ApprovalRefused` when its named policy cannot be read."""
    spec = version.spec
    sizing = sizing_policy(spec)
    sized = {} if sizing is None else _sizing_table(sizing)
    policy = version.policy if version.policy is not None else _policy(spec)
    if policy is None:
        return BookRisk(sizing=sized)
    if spec.risk.policy == "default" and spec.risk.max_drawdown is None:
        return BookRisk("default", sizing=sized)
    table = policy.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
    return BookRisk(risk_policy_table=table, sizing=sized)


def _sizing_table(sizing: SizingPolicy) -> dict[str, Any]:
    table: dict[str, Any] = sizing.model_dump(mode="json", exclude_none=True)
    return table


def _policy(spec: StrategySpec) -> RiskPolicy | None:
    try:
        return policy_of(spec)
    except RiskPolicyError as error:
        raise ApprovalRefused(f"the spec's risk policy cannot be read: {error}") from error


class Approvals:
    """Records decisions in the store and adds approved specs to books."""

    def __init__(self, store: Store, books: BookStore, clock: Clock) -> None:
        self.store, self.books, self.clock = store, books, clock

    def approve(self, version: Version, request: ApprovalRequest) -> Approval:
        """Record `request` on `version`; raise `ApprovalRefused` (storing nothing) if invalid."""
        _check(version, request)
        at = self.clock.now()
        book_version = None
        if request.action == "add_to_book":
            assert request.book is not None
            book_version = self._add_to_book(version, request, at)
        key = f"{version.spec_hash}|{request.action}|{request.book}|{request.approved_by}"
        approval = Approval(
            approval_id=hashlib.sha256(key.encode()).hexdigest(),
            action=request.action,
            spec_hash=version.spec_hash,
            results_digest=version.results_digest,
            approved_by=request.approved_by.strip(),
            approved_at=at.isoformat(),
            book=request.book,
            book_version=book_version,
            mode=BookMode.PAPER.value,
        )
        self.store.upsert(TABLE, pd.DataFrame([_row(approval, version, at)]))
        return approval

    def list(self) -> list[Approval]:
        """Return every recorded approval, oldest first."""
        frame = self.store.read(Query(TABLE))
        if frame.empty:
            return []
        rows = frame.sort_values(["approved_at", "approval_id"]).to_dict("records")
        return [_approval(row) for row in rows]

    def _add_to_book(self, version: Version, request: ApprovalRequest, at: Any) -> int:
        assert request.book is not None
        current = self.books.book(request.book)
        allocation = allocation_of(version.spec, request.weight)
        risk = book_risk(version)
        if current is None:
            book = Book(
                request.book, request.capital, (allocation,), _book_symbols(version.spec),
                mode=BookMode.PAPER, risk_policy=risk.risk_policy,
                risk_policy_table=risk.risk_policy_table, sizing=risk.sizing,
            )  # fmt: skip
        else:
            book = _with(current.book, allocation, risk)
        return self.books.save_book(book, at=at).version


def allocation_of(spec: StrategySpec, weight: Decimal) -> StrategyAllocation:
    """Return the spec as one strategy of a book (see the module docstring)."""
    label = f"spec-{hashlib.sha256(canonical_json(spec).encode()).hexdigest()[:12]}"
    if isinstance(spec.strategy, LibraryStrategy):
        params: dict[str, Any] = dict(spec.strategy.params)
        if spec.strategy.name.value in ("pair", "switch", "butterfly"):
            params["symbols"] = list(spec.symbols)
        if spec.weights:
            params["weights"] = dict(spec.weights)
        if spec.rebalance is not None:
            params["rebalance"] = rebalance_param(spec.rebalance)
        return StrategyAllocation(spec.strategy.name.value, weight, params, label)
    params = spec_params(spec)
    try:
        read_spec_params(params)
    except SpecRejected as rejected:
        raise ApprovalRefused(f"the spec cannot join a book: {rejected}") from rejected
    return StrategyAllocation(SPEC_STRATEGY, weight, params, label)


def _with(book: Book, allocation: StrategyAllocation, risk: BookRisk) -> Book:
    if book.mode is BookMode.LIVE:
        raise ApprovalRefused(
            f"book {book.name} is live: a conversation only ever adds to paper books"
        )
    others = tuple(s for s in book.strategies if s.label != allocation.label)
    if others and BookRisk.of(book) != risk:
        raise ApprovalRefused(
            f"book {book.name} runs its strategies under {BookRisk.of(book).describe()}; the "
            f"spec was backtested under {risk.describe()}: add it to another book"
        )
    if sum((s.weight for s in others), allocation.weight) > 1:
        raise ApprovalRefused(f"book {book.name}'s weights would pass 1; lower the weight")
    symbols = tuple(dict.fromkeys([*book.symbols, *_symbols(allocation)]))
    return dataclasses.replace(
        book, strategies=(*others, allocation), symbols=symbols, exits={},
        risk_policy=risk.risk_policy, risk_policy_table=risk.risk_policy_table,
        sizing=risk.sizing,
    )  # fmt: skip


def _book_symbols(spec: StrategySpec) -> tuple[str, ...]:
    if isinstance(spec.strategy, LibraryStrategy):
        return spec.symbols
    return spec.referenced_symbols()  # a rule spec's backtest ran on (and traded) all of them


def _symbols(allocation: StrategyAllocation) -> list[str]:
    if allocation.strategy == SPEC_STRATEGY:  # every symbol the spec's backtest ran on
        return list(read_spec_params(allocation.params).referenced_symbols())
    return list(allocation.params.get("symbols", ()))


def _check(version: Version, request: ApprovalRequest) -> None:
    if not _PERSON.match(request.approved_by.strip()):
        raise ApprovalRefused("name the person approving (2 to 80 letters, digits, . ' @ -)")
    if request.spec_hash != version.spec_hash:
        raise ApprovalRefused("the spec changed since it was shown: review the current version")
    if request.results_digest != version.results_digest:
        raise ApprovalRefused("the results changed since they were shown: review them again")
    if request.action == "add_to_book":
        if request.book is None or not _BOOK.match(request.book):
            raise ApprovalRefused("name the paper book (lower-case letters, digits, - and _)")
        if not Decimal(0) < request.weight <= Decimal(1):
            raise ApprovalRefused(f"weight {request.weight} is not in (0, 1]")
        if request.capital <= 0:
            raise ApprovalRefused("a new book needs a positive capital")
    elif request.book is not None:
        raise ApprovalRefused("a save names no book; use add_to_book")


def _row(approval: Approval, version: Version, at: Any) -> dict[str, Any]:
    metrics = version.evidence.metrics
    summary = {
        k: metrics[k] for k in ("total_return", "sharpe_ratio", "max_drawdown") if k in metrics
    }
    return {
        "approval_id": approval.approval_id,
        "action": approval.action,
        "spec_hash": approval.spec_hash,
        "spec_version": SPEC_VERSION,
        "spec": canonical_json(version.spec),
        "results_digest": approval.results_digest,
        "approved_by": approval.approved_by,
        "approved_at": at,
        "book": approval.book,
        "book_version": approval.book_version,
        "mode": approval.mode,
        "summary": json.dumps({**summary, "trades": version.evidence.trades}, sort_keys=True),
        "source": "tetra",
    }


def _approval(row: dict[Any, Any]) -> Approval:
    version = row.get("book_version")
    return Approval(
        approval_id=str(row["approval_id"]),
        action=str(row["action"]),
        spec_hash=str(row["spec_hash"]),
        results_digest=str(row["results_digest"]),
        approved_by=str(row["approved_by"]),
        approved_at=pd.Timestamp(row["approved_at"]).isoformat(),
        book=None if pd.isna(row.get("book")) else str(row["book"]),
        book_version=None if version is None or pd.isna(version) else int(version),
        mode=str(row["mode"]),
    )
