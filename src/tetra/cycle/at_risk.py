"""Positions at risk (near a stop, earnings on the day) and the headroom left under each limit.

Stops are the book's exits (``exits = { stop_loss = 0.05, trailing_stop = 0.08 }`` in its
declaration, the rules its sleeves' backtests apply): a fixed stop sits a fraction (or ATR
multiple) from the ledger's average entry price; a trailing stop from the best high (long;
lowest low, short) since the position was opened, as the ledger's fills and confirmed
holdings tell; the ATR is the latest Wilder ATR (`atr_window` bars). The protective stop is
the tighter of the two. A position is *near* its stop when the close is within `NEAR_STOP`
of it (negative distance: through it, and the sleeves' backtests exit at the next bar).

Headroom: for each limit of the book's policy, the share used and what is left, in money at
today's equity for the exposure limits and the day's loss.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from decimal import Decimal

import numpy as np

from tetra.market import MarketData
from tetra.portfolio import Book, Fill, Holdings, Position
from tetra.reports.daily import NEAR_STOP, AtRiskLine, HeadroomLine
from tetra.risk.policy import RiskPolicy
from tetra.simulation.exits import average_true_range

STOP_KEYS = ("stop_loss", "stop_loss_atr", "trailing_stop", "trailing_stop_atr")
ZERO = Decimal(0)
CENTS = Decimal("0.0001")


def checked_lines(
    book: Book,
    held: Mapping[str, Position],
    market: MarketData,
    opened: Mapping[str, dt.date],
    earnings: Collection[str],
) -> list[AtRiskLine]:
    """Return every held position with a close, its stop and why it is at risk (if it is).

    The positions at risk are the lines with reasons.
    """
    atr = _atr(book, market)
    lines = []
    for symbol, position in sorted(held.items()):
        if position.quantity == 0 or symbol not in market.symbols:
            continue
        n = market.symbols.index(symbol)
        line = _line(book, symbol, position, market, n, atr, opened.get(symbol))
        if line is None:
            continue
        if symbol in earnings:
            line = line.model_copy(
                update={"reasons": [*line.reasons, "reports earnings on the day"]}
            )
        lines.append(line)
    return lines


def nearest_stop(lines: Sequence[AtRiskLine]) -> AtRiskLine | None:
    """Return the line whose close is nearest its stop (None: no position has a stop)."""
    stopped = [line for line in lines if line.distance is not None]
    return min(stopped, key=lambda line: line.distance or 0.0, default=None)


def stop_rules(book: Book) -> dict[str, float]:
    """Return the book's exits that set a stop (fixed or trailing, fraction or ATR multiple)."""
    return {k: book.exits[k] for k in STOP_KEYS if k in book.exits}


def opened_sessions(
    holdings: Holdings | None, fills: Sequence[Fill], start: dt.date
) -> dict[str, dt.date]:
    """Return when each held position was opened: its last fill from flat (or a flip)."""
    quantity = {} if holdings is None else {s: p.quantity for s, p in holdings.positions.items()}
    since = start if holdings is None else holdings.as_of
    opened = dict.fromkeys(quantity, since)
    for fill in fills:
        before = quantity.get(fill.symbol, ZERO)
        after = before + fill.quantity
        if after != 0 and (before == 0 or (before > 0) != (after > 0)):
            opened[fill.symbol] = fill.session
        quantity[fill.symbol] = after
    return opened


def headroom_lines(
    policy: RiskPolicy | None,
    equity: Decimal,
    values: Sequence[Decimal],
    drawdown: float | None,
    day: tuple[Decimal, Decimal] | None,
) -> list[HeadroomLine]:
    """Return each set limit of `policy` with its use and headroom.

    `values` are the positions' market values, `day` the day's P&L and the equity it is
    measured against (the previous close's). Room is exact: the cap in money less the use.
    """
    if policy is None:
        return []
    loss = ZERO if day is None else max(-day[0], ZERO)
    base = equity if day is None else day[1]
    used: dict[str, tuple[Decimal, Decimal] | None] = {  # (use in money, the base it is of)
        "max_gross_leverage": (sum((abs(v) for v in values), ZERO), equity),
        "max_net_leverage": (abs(sum(values, ZERO)), equity),
        "max_position_weight": (max((abs(v) for v in values), default=ZERO), equity),
        "daily_loss_limit": (loss, base),
        "max_drawdown": None,
    }
    lines = []
    for name, use in used.items():
        cap = getattr(policy, name)
        if cap is None:
            continue
        if use is None:
            fraction, room = max(-(drawdown or 0.0), 0.0), None
        else:
            fraction = float(use[0] / use[1]) if use[1] else 0.0
            room = (_decimal(float(cap)) * use[1] - use[0]).quantize(CENTS)
        lines.append(
            HeadroomLine(
                limit=name,
                used=round(fraction, 6),
                cap=float(cap),
                headroom=round(float(cap) - fraction, 6),
                room=room,
            )
        )
    return lines


def _line(
    book: Book,
    symbol: str,
    position: Position,
    market: MarketData,
    n: int,
    atr: np.ndarray | None,
    opened: dt.date | None,
) -> AtRiskLine | None:
    close = _last(market.close[:, n])
    if close is None:
        return None
    entry = position.cost / position.quantity
    stop = _stop(book, position.quantity > 0, float(entry), market, n, atr, opened)
    distance = None
    reasons = []
    if stop is not None:
        distance = (close - stop) / close if position.quantity > 0 else (stop - close) / close
        if distance < 0:
            reasons.append(f"through its stop {stop:,.2f} (close {close:,.2f})")
        elif distance <= NEAR_STOP:
            reasons.append(f"{distance:.1%} above its stop {stop:,.2f}")
    return AtRiskLine(
        symbol=symbol,
        quantity=position.quantity,
        close=_decimal(close),
        entry=entry.quantize(CENTS),
        stop=None if stop is None else _decimal(stop),
        distance=None if distance is None else round(distance, 6),
        reasons=reasons,
    )


def _stop(
    book: Book,
    long: bool,
    entry: float,
    market: MarketData,
    n: int,
    atr: np.ndarray | None,
    opened: dt.date | None,
) -> float | None:
    exits = book.exits
    side = -1.0 if long else 1.0  # a long's stop sits below
    width = None if atr is None or not np.isfinite(atr[n]) else float(atr[n])
    levels = []
    if "stop_loss" in exits:
        levels.append(entry * (1 + side * exits["stop_loss"]))
    if "stop_loss_atr" in exits and width is not None:
        levels.append(entry + side * exits["stop_loss_atr"] * width)
    best = _best(market, n, long, opened)
    if best is not None and "trailing_stop" in exits:
        levels.append(best * (1 + side * exits["trailing_stop"]))
    if best is not None and "trailing_stop_atr" in exits and width is not None:
        levels.append(best + side * exits["trailing_stop_atr"] * width)
    if not levels:
        return None
    return max(levels) if long else min(levels)


def _best(market: MarketData, n: int, long: bool, opened: dt.date | None) -> float | None:
    rows = np.ones(market.shape[0], dtype=bool)
    if opened is not None:
        rows = market.dates.astype("datetime64[D]") >= np.datetime64(opened)
    prices = (market.high if long else market.low)[rows, n]
    prices = prices[np.isfinite(prices)]
    if prices.size == 0:
        return None
    return float(prices.max() if long else prices.min())


def _atr(book: Book, market: MarketData) -> np.ndarray | None:
    if not any(k.endswith("_atr") for k in book.exits):
        return None
    window = int(book.exits.get("atr_window", 14))
    atr: np.ndarray = average_true_range(market.high, market.low, market.close, window)
    latest: np.ndarray = atr[-1]
    return latest


def _last(series: np.ndarray) -> float | None:
    seen = series[np.isfinite(series)]
    return float(seen[-1]) if seen.size else None


def _decimal(value: float) -> Decimal:
    return Decimal(repr(value)).quantize(CENTS)
