"""The correctness gate: every engine must make the same trades and end on the same equity.

Trades match when, sorted by (symbol, entry date), each pair has the same symbol, entry and
exit dates and quantity, and prices within 1e-9 (relative to the price, floored at 1).
Final equity must agree within 1e-6 relative. A report lists the first differences.
"""

from __future__ import annotations

from typing import Any

PRICE_TOLERANCE = 1e-9
EQUITY_TOLERANCE = 1e-6
SHOWN = 5


def problems(reference: dict[str, Any], other: dict[str, Any]) -> list[str]:
    """Return how `other`'s run differs from `reference`'s (empty when they agree)."""
    found = _equity_problem(reference["final_equity"], other["final_equity"])
    ours, theirs = _sorted(reference["trades"]), _sorted(other["trades"])
    if len(ours) != len(theirs):
        found.append(f"{len(theirs)} trades, not {len(ours)}")
    mismatches = [
        f"{a} vs {b}" for a, b in zip(ours, theirs, strict=False) if not _same_trade(a, b)
    ]
    if mismatches:
        found.append(f"{len(mismatches)} trades differ, first: " + "; ".join(mismatches[:SHOWN]))
    return found


def sweep_problems(reference: dict[str, float], other: dict[str, float]) -> list[str]:
    """Compare per-combination final equities of two sweeps."""
    if reference.keys() != other.keys():
        return ["the sweeps cover different combinations"]
    off = [k for k in reference if _equity_problem(reference[k], other[k])]
    return [f"{len(off)} combinations differ, first: {off[:SHOWN]}"] if off else []


def _equity_problem(expected: float, actual: float) -> list[str]:
    if abs(actual - expected) <= EQUITY_TOLERANCE * abs(expected):
        return []
    return [f"final equity {actual:,.6f}, not {expected:,.6f}"]


def _sorted(trades: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(trades, key=lambda t: (t["symbol"], t["entry_date"]))


def _same_trade(a: dict[str, Any], b: dict[str, Any]) -> bool:
    keys = ("symbol", "entry_date", "exit_date", "quantity")
    return all(a[k] == b[k] for k in keys) and all(
        _close(a[k], b[k]) for k in ("entry_price", "exit_price")
    )


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return abs(a - b) <= PRICE_TOLERANCE * max(1.0, abs(a))
