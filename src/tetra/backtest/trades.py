"""Round-trip trades from fills, as `tetra.model.trades` defines them.

A fill that flips a position (long 100, sell 150) closes the trade and opens a new one in
the other direction with the remainder. Entry and exit prices are quantity-weighted;
`pnl` is realised P&L net of the fees of both sides; `return_pct` is pnl over entry value.
A trade still open at the end is marked at its symbol's mark (the run's last close).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from tetra.model.trades import TRADE_COLUMNS, Mark, unrealised_pnl


@dataclass
class _Open:
    symbol: str
    side: float
    entry_ts: object
    quantity: float = 0.0
    entry_value: float = 0.0
    exit_quantity: float = 0.0
    exit_value: float = 0.0
    realised: float = 0.0
    fees: float = 0.0
    exit_ts: object = None
    exit_reason: str = ""
    rows: list[int] = field(default_factory=list)


def round_trips(fills: pd.DataFrame, marks: Mapping[str, Mark] | None = None) -> pd.DataFrame:
    """Return closed and still-open trades (open ones have NaN exit) from a fills table.

    `fills` columns: ts, symbol, quantity (signed), price, fee, realised, and optionally
    exit_reason (why the fill happened; "signal" when absent). A trade's exit reason is
    its last closing fill's. `marks`: where each symbol's open trade is valued (without
    one, its unrealised P&L is NaN).
    """
    trades: list[dict[str, object]] = []
    for symbol, group in fills.groupby("symbol", sort=True):
        mark = (marks or {}).get(str(symbol), Mark(np.nan, np.nan))
        trades += _symbol_trades(str(symbol), group, mark)
    frame = pd.DataFrame(trades, columns=list(TRADE_COLUMNS))
    return frame.sort_values(["entry_ts", "symbol"], kind="stable").reset_index(drop=True)


def _symbol_trades(symbol: str, fills: pd.DataFrame, mark: Mark) -> list[dict[str, object]]:
    done: list[dict[str, object]] = []
    current: _Open | None = None
    position = 0.0
    columns = [
        fills[c].to_numpy(dtype=np.float64) for c in ("quantity", "price", "fee", "realised")
    ]
    reasons = fills["exit_reason"] if "exit_reason" in fills else ["signal"] * len(fills)
    for ts, reason, quantity, price, fee, realised in zip(
        fills["ts"], reasons, *columns, strict=True
    ):
        if current is None:
            current = _Open(symbol, np.sign(quantity), ts)
        closing = min(abs(quantity), abs(position)) if position * quantity < 0 else 0.0
        opening = abs(quantity) - closing
        share = closing / abs(quantity)
        current.exit_quantity += closing
        current.exit_value += closing * price
        current.realised += realised
        current.fees += fee * share
        if closing:
            current.exit_ts, current.exit_reason = ts, str(reason)
        position += quantity
        if position == 0 or (opening and closing):
            done.append(_finished(current))
            current = _Open(symbol, np.sign(quantity), ts) if opening else None
        if current is not None and opening:
            current.quantity += opening
            current.entry_value += opening * price
            current.fees += fee * (1.0 - share)
    if current is not None and current.quantity:
        done.append(_finished(current, mark=mark))
    return done


def _finished(trade: _Open, *, mark: Mark | None = None) -> dict[str, object]:
    """Return the trade's row: closed unless a `mark` (even NaN) values it as still open."""
    closed = mark is None
    entry_price = trade.entry_value / trade.quantity if trade.quantity else np.nan
    exit_price = (
        trade.exit_value / trade.exit_quantity if closed and trade.exit_quantity else np.nan
    )
    pnl = trade.realised - trade.fees if closed else np.nan
    return {
        "symbol": trade.symbol,
        "side": _side(trade),
        "quantity": trade.quantity,
        "entry_ts": trade.entry_ts,
        "entry_price": entry_price,
        "exit_ts": trade.exit_ts if closed else pd.NaT,
        "exit_price": exit_price,
        "pnl": pnl,
        "fees": trade.fees,
        "return_pct": pnl / trade.entry_value if closed and trade.entry_value else np.nan,
        "exit_reason": trade.exit_reason if closed else "",
        "mark_price": np.nan if mark is None else mark.price,
        "unrealised_pnl": np.nan if mark is None else _unrealised(trade, mark, entry_price),
    }


def _unrealised(trade: _Open, mark: Mark, entry_price: float) -> float:
    cost_of_held = (trade.quantity - trade.exit_quantity) * entry_price
    return unrealised_pnl(_side(trade), mark, cost_of_held, trade.realised, trade.fees)


def _side(trade: _Open) -> str:
    return "long" if trade.side > 0 else "short"
