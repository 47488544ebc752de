"""A book's group members on the session: coins enter only while in, and leave when out.

A book lists its symbols outright; those with a recorded membership history (the crypto
top ten, `tetra.data.membership`) are candidates for entries only while members, as the
history stood known on the session (`known_on`: a leaver is out from its first day out).
`book_members` gives the sleeves a `Membership` to run under (`MembersOnly`, as a backtest
of ``@crypto``: a joiner entered from its first day in, a leaver closed at the next open),
and, for each symbol out on the session, the reason its recommendation carries: the book's
target there is zero whatever a sleeve or the ledger holds, so no entry is recommended and
a held position is closed. Symbols without a history (stocks, ETFs) are never held back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from tetra.data.membership import known_on
from tetra.data.ports import Store
from tetra.strategy.membership import Membership, Span

REASON = "membership"  # the `strategy` a membership reason names


@dataclass(frozen=True)
class BookMembers:
    """The spans the sleeves follow and, per symbol out on the session, its reason."""

    membership: Membership | None = None
    outside: Mapping[str, dict[str, Any]] = field(default_factory=dict)


def book_members(store: Store, symbols: Sequence[str], session: dt.date) -> BookMembers:
    """Return the membership of `symbols` known on `session` (none: no history recorded)."""
    rows = known_on(store, symbols, session)
    if rows.empty:
        return BookMembers()
    groups = {str(s): f"@{g}" for s, g in zip(rows["symbol"], rows["universe_group"], strict=True)}
    membership = Membership.of(rows, ", ".join(sorted(set(groups.values()))))
    outside = {
        symbol: _reason(groups[symbol], spans, session)
        for symbol, spans in membership.spans.items()
        if not any(_within(session, span) for span in spans)
    }
    return BookMembers(membership, outside)


def _reason(group: str, spans: tuple[Span, ...], session: dt.date) -> dict[str, Any]:
    """Return a recommendation's reasoning entry for a symbol out of `group` on `session`."""
    ended = [last for _, last in spans if last is not None and last < session]
    why = (
        f"left {group} (last day in: {max(ended)})"
        if ended
        else f"not a member of {group} on {session}"
    )
    return {
        "strategy": REASON,
        "described": f"entries while a member of {group}",
        "rule": f"{why}: no entry, close any position",
        "decision": None,
        "indicators": [],
        "track_record": {},
    }


def _within(day: dt.date, span: Span) -> bool:
    first, last = span
    return (first is None or first <= day) and (last is None or day <= last)
