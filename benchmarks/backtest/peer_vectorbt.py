"""vectorbt on the standard case (and the SMA sweep), run in benchmarks/peers/.venv.

Idiomatic vectorbt: ``vbt.MA.run`` for the averages, ``ma_crossed_above/below`` for the
signals, then one ``Portfolio.from_signals`` over every column at once. Execution at the
next bar's open is vectorbt's documented recipe: signals shifted one bar and
``price=open``. Sizing is ``size=allocation, size_type="value", size_granularity=1``:
vectorbt divides the value by the fill price and floors to whole shares, i.e.
floor(allocation / open). One cash pool (``cash_sharing=True``) per portfolio, sells
before buys on a bar (``call_seq="auto"``), long only, no fees.

``--engine`` picks vectorbt's engine: ``numba``, or ``rust`` (the optional vectorbt-rust
package; ``auto``, vectorbt's default, takes Rust when it is installed).

``--sweep``: every (fast, slow) of the sweep grid, each a 100-symbol portfolio with its
own 1,000,000 of cash, in one ``from_signals`` call grouped by (fast, slow).
"""

from __future__ import annotations

import warnings
from typing import Any

import _peer_common as common
import numpy as np
import pandas as pd
import vectorbt as vbt

warnings.filterwarnings("ignore")

SWEEP_FAST = list(range(5, 55, 5))  # 10 values
SWEEP_SLOW = list(range(55, 255, 2))  # 100 values, all above every fast


def next_open(signal: pd.DataFrame) -> np.ndarray:
    """Shift decisions taken at a bar's close onto the next bar (where they fill)."""
    values = signal.to_numpy()
    shifted = np.zeros_like(values)
    shifted[1:] = values[:-1]
    return shifted


def portfolio(bars: common.Bars, fast: Any, slow: Any, engine: str, group_by: Any) -> vbt.Portfolio:
    entries, exits = fast.ma_crossed_above(slow), fast.ma_crossed_below(slow)
    width = entries.shape[1] // len(bars.symbols)
    return vbt.Portfolio.from_signals(
        close=pd.DataFrame(np.tile(bars.close, width), index=bars.index, columns=entries.columns),
        entries=next_open(entries),
        exits=next_open(exits),
        price=np.tile(bars.open, width),
        size=bars.allocation,
        size_type="value",
        size_granularity=1.0,
        direction="longonly",
        init_cash=common.CASH,
        cash_sharing=True,
        group_by=group_by,
        call_seq="auto",
        engine=engine,
    )


def standard(bars: common.Bars, engine: str) -> tuple[vbt.Portfolio, float]:
    close = bars.frame("close")
    fast = vbt.MA.run(close, common.FAST, short_name="fast")
    slow = vbt.MA.run(close, common.SLOW, short_name="slow")
    pf = portfolio(bars, fast, slow, engine, group_by=True)
    return pf, float(pf.final_value())


def sweep(bars: common.Bars, engine: str) -> pd.Series:
    close = bars.frame("close")
    combos = [(f, s) for f in SWEEP_FAST for s in SWEEP_SLOW]
    fast = vbt.MA.run(close, window=[f for f, _ in combos], short_name="fast")
    slow = vbt.MA.run(close, window=[s for _, s in combos], short_name="slow")
    pf = portfolio(bars, fast, slow, engine, group_by=["fast_window", "slow_window"])
    return pf.final_value()


def trades(bars: common.Bars, pf: vbt.Portfolio) -> list[dict[str, Any]]:
    records = pf.orders.values
    signs = np.where(records["side"] == 0, 1.0, -1.0)
    return common.trades_from_fills(
        (bars.symbols[c], bars.index[i], s * q, p)
        for c, i, q, p, s in zip(
            records["col"],
            records["idx"],
            records["size"],
            records["price"],
            signs,
            strict=True,
        )
    )


def main() -> None:
    args = common.arguments(__doc__ or "")
    bars = common.load(args.data)
    name = f"vectorbt ({args.engine})"
    if args.sweep:
        values, seconds = common.timed(lambda: sweep(bars, args.engine), args.warmup, args.repeat)
        finals = {f"{f}/{s}": float(v) for (f, s), v in values.items()}
        common.report(name, vbt.__version__, seconds, sweep_final_equity=finals)
        return
    (pf, final), seconds = common.timed(
        lambda: standard(bars, args.engine), args.warmup, args.repeat
    )
    common.report(name, vbt.__version__, seconds, final_equity=final, trades=trades(bars, pf))


if __name__ == "__main__":
    main()
