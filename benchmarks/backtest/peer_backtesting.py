"""backtesting.py on the standard case, run in benchmarks/peers/.venv.

backtesting.py trades one instrument per ``Backtest``, so the universe runs as one
backtest per symbol (its documented way to cover several assets), summed: final equity =
CASH + the sum of each run's profit. Each run gets the whole CASH as its cash: with cash =
allocation, an entry after a losing trade would not fit in the run's own cash and be
cancelled, while the shared account of the standard case still has room for it.

The strategy is the library's SmaCross example: ``self.I`` rolling means and
``backtesting.lib.crossover``; market orders fill at the next bar's open
(``trade_on_close=False``). backtesting.py has no value-sized orders (a fractional size
means a share of the run's equity), so ``init`` precomputes floor(allocation / next open)
per bar and ``next`` buys that many shares: the quantity a value order gets at its fill.
The timing is the total of the per-symbol ``Backtest.run`` calls (stats included: ``run``
computes them).
"""

from __future__ import annotations

import warnings
from typing import Any

import _peer_common as common
import backtesting
import numpy as np
import pandas as pd
from backtesting import Backtest, Strategy
from backtesting.lib import crossover

warnings.filterwarnings("ignore")


def sma(values: np.ndarray, window: int) -> np.ndarray:
    return pd.Series(values).rolling(window).mean().to_numpy()


class SmaCross(Strategy):  # type: ignore[misc]
    fast = common.FAST
    slow = common.SLOW
    allocation = 10_000.0

    def init(self) -> None:
        self.sma_fast = self.I(sma, self.data.Close, self.fast)
        self.sma_slow = self.I(sma, self.data.Close, self.slow)
        following_open = np.append(np.asarray(self.data.Open)[1:], np.nan)
        self.shares_at_next_open = np.floor(self.allocation / following_open)

    def next(self) -> None:
        if crossover(self.sma_fast, self.sma_slow) and not self.position:
            shares = self.shares_at_next_open[len(self.data) - 1]
            if shares > 0:  # NaN on the last bar: no next bar to fill on
                self.buy(size=int(shares))
        elif crossover(self.sma_slow, self.sma_fast) and self.position:
            self.position.close()


def run_symbol(bars: common.Bars, n: int) -> pd.Series:
    test = Backtest(bars.ohlcv(n), SmaCross, cash=common.CASH, commission=0.0, trade_on_close=False)
    return test.run(allocation=bars.allocation)


def run_all(bars: common.Bars) -> list[pd.Series]:
    return [run_symbol(bars, n) for n in range(len(bars.symbols))]


def trades(bars: common.Bars, runs: list[pd.Series]) -> list[dict[str, Any]]:
    out = []
    for symbol, stats in zip(bars.symbols, runs, strict=True):
        for t in stats["_trades"].itertuples():
            out.append(
                common.trade(symbol, t.EntryTime, t.EntryPrice, t.Size, t.ExitTime, t.ExitPrice)
            )
        for t in stats["_strategy"].trades:  # still open at the end
            out.append(common.trade(symbol, t.entry_time, t.entry_price, t.size))
    return out


def main() -> None:
    args = common.arguments(__doc__ or "")
    bars = common.load(args.data)
    runs, seconds = common.timed(lambda: run_all(bars), args.warmup, args.repeat)
    final = common.CASH + sum(float(s["Equity Final [$]"]) - common.CASH for s in runs)
    common.report(
        "backtesting.py",
        backtesting.__version__,
        seconds,
        final_equity=final,
        trades=trades(bars, runs),
    )


if __name__ == "__main__":
    main()
