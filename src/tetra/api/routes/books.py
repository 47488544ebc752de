"""`/api/books`: the stored books, their versions, and the holdings a `recommend` book confirms.

Books are declared in ``tetra.toml`` and stored by the CLI (`tetra cycle ...`, `tetra demo`)
with a new version whenever a definition changes; these routes read them. A `recommend`
book's positions are what its user confirms (`POST .../holdings`, like `tetra cycle
confirm`): the next cycle starts its ledger from the latest confirmation at or before its
session. A paper book's come from its paper fills, so confirming one is refused (422). A book lists
what its strategies run under: a named risk policy, or one written out in it (with the limits
it sets), and its sizing table, each checked as the daily cycle checks it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from starlette.exceptions import HTTPException

from tetra.api.deps import StoreDep, blocking
from tetra.api.errors import ERROR_RESPONSES
from tetra.api.schemas.books import (
    BookOut,
    BookPolicyOut,
    BookSizingOut,
    BookVersionOut,
    HoldingsIn,
    HoldingsOut,
    PositionOut,
)
from tetra.core.errors import ValidationError
from tetra.data.ports import Store
from tetra.portfolio import (
    BookMode,
    BookVersion,
    Holdings,
    Position,
    StoredBooks,
    changed_fields,
)
from tetra.risk.policy import RiskPolicyError, parse_policy
from tetra.risk.sizing_policy import SizingPolicyError, parse_sizing

router = APIRouter(prefix="/api/books", tags=["books"], responses=ERROR_RESPONSES)
BookName = Annotated[str, Path(description="The book's name.", max_length=64)]


@router.get("", response_model=list[BookOut], summary="Stored books (latest versions)")
async def list_books(store: StoreDep) -> list[BookOut]:
    found = await blocking(StoredBooks(store).books)
    return [_book(v) for v in found]


@router.get(
    "/{name}/versions",
    response_model=list[BookVersionOut],
    summary="Every version of a book, newest first",
)
async def book_versions(name: BookName, store: StoreDep) -> list[BookVersionOut]:
    versions = await blocking(StoredBooks(store).versions, name)
    if not versions:
        raise HTTPException(status_code=404, detail=f"no book named {name!r}")
    out = [
        BookVersionOut(
            version=v.version,
            saved_at=v.saved_at,
            digest=v.digest,
            mode=v.book.mode.value,
            definition=v.book.to_dict(),
            changed=[] if before is None else changed_fields(before.book, v.book),
        )
        for before, v in zip([None, *versions[:-1]], versions, strict=True)
    ]
    return out[::-1]


@router.get(
    "/{name}/holdings",
    response_model=HoldingsOut | None,
    summary="The latest holdings confirmed for a book (null if none)",
)
async def confirmed_holdings(name: BookName, store: StoreDep) -> HoldingsOut | None:
    await _version(store, name)
    found = await blocking(StoredBooks(store).holdings, name)
    return None if found is None else _holdings(name, found)


@router.post(
    "/{name}/holdings",
    response_model=HoldingsOut,
    status_code=201,
    summary="Confirm what a recommend book holds; its next cycle starts from it",
)
async def confirm_holdings(
    name: BookName, body: HoldingsIn, request: Request, store: StoreDep
) -> HoldingsOut:
    version = await _version(store, name)
    now = request.app.state.clock.now()
    holdings = _checked(version, body, now.date())
    await blocking(
        StoredBooks(store).confirm_holdings, name, holdings, by=body.confirmed_by, at=now
    )
    return _holdings(name, holdings)


def _checked(version: BookVersion, body: HoldingsIn, today: dt.date) -> Holdings:
    book = version.book
    if book.mode is not BookMode.RECOMMEND:
        raise ValidationError(
            f"book {book.name!r} is a {book.mode.value} book: its positions come from its "
            "fills; only a recommend book's holdings are confirmed"
        )
    seen: set[str] = set()
    positions: dict[str, Position] = {}
    for i, p in enumerate(body.positions):
        symbol = p.symbol.strip().upper()
        if symbol not in book.symbols:
            raise ValidationError(
                f"positions[{i}].symbol: {symbol} is not a symbol of book {book.name!r} "
                f"({', '.join(book.symbols)})"
            )
        if symbol in seen:
            raise ValidationError(f"positions[{i}].symbol: {symbol} is listed twice")
        seen.add(symbol)
        if p.quantity != 0:
            positions[symbol] = Position(symbol, p.quantity, p.quantity * p.average_cost)
    return Holdings(body.as_of or today, body.cash, positions)


async def _version(store: Store, name: str) -> BookVersion:
    version = await blocking(StoredBooks(store).book, name)
    if version is None:
        raise HTTPException(status_code=404, detail=f"no book named {name!r}")
    return version


def _book(v: BookVersion) -> BookOut:
    b = v.book
    return BookOut(
        name=b.name,
        version=v.version,
        saved_at=v.saved_at,
        mode=b.mode.value,
        capital=b.capital,
        benchmark=b.benchmark,
        symbols=list(b.symbols),
        strategies=[s.label for s in b.strategies],
        risk_policy=b.risk_policy,
        risk_policy_table=_policy_table(b.risk_policy_table),
        sizing=_sizing(b.sizing),
        description=b.description,
    )


def _policy_table(table: Mapping[str, Any]) -> BookPolicyOut | None:
    if not table:
        return None
    try:
        policy = parse_policy(table, source="risk_policy_table")
    except RiskPolicyError as error:
        return BookPolicyOut(policy=dict(table), limits=[], problem=str(error))
    return BookPolicyOut(policy=dict(table), limits=list(policy.limits), problem=None)


def _sizing(table: Mapping[str, Any]) -> BookSizingOut | None:
    if not table:
        return None
    settings = {k: v for k, v in table.items() if k != "method"}
    method = str(table["method"])
    try:
        summary = parse_sizing(table, source="sizing").describe()
    except SizingPolicyError as error:
        return BookSizingOut(method=method, settings=settings, summary=None, problem=str(error))
    return BookSizingOut(method=method, settings=settings, summary=summary, problem=None)


def _holdings(name: str, h: Holdings) -> HoldingsOut:
    return HoldingsOut(
        book=name,
        as_of=h.as_of,
        cash=h.cash,
        positions=[
            PositionOut(
                symbol=s,
                quantity=p.quantity,
                cost=p.cost,
                average_cost=_average(p),
            )
            for s, p in sorted(h.positions.items())
        ],
    )


def _average(p: Position) -> Decimal:
    return (p.cost / p.quantity).normalize() if p.quantity else Decimal(0)


__all__ = ["router"]
