"""backtrader on the standard case, run in benchmarks/peers/.venv.

backtrader's multi-asset idiom: one ``Cerebro`` with one ``PandasData`` feed per symbol and
one strategy holding an ``SMA`` pair and a ``CrossOver`` per feed. ``next`` (a bar's
close) notes the crossings; the orders go in at the next bar with backtrader's
cheat-on-open (``Cerebro(cheat_on_open=True)``, which sets the broker's ``coo``):
``next_open`` runs before the broker on that bar, sees its open, and a market order placed
there fills at that open. That is how backtrader sizes an order on the price it will fill
at: floor(allocation / open). (A plain market order placed in ``next`` also fills at the
next open, but would have to be sized on the current close.) Exits go in before entries,
so a bar's sells free cash before its buys, as in the standard case. The broker's
``checksubmit`` is off: it would check cash at submission against the bar's close, not
the open the order fills at. Observers are off (``stdstats=False``): nothing is plotted.
Final equity is ``broker.getvalue()``: cash + positions at the last close.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import _peer_common as common
import backtrader as bt

warnings.filterwarnings("ignore")


class SmaCross(bt.Strategy):  # type: ignore[misc]
    params = (("fast", common.FAST), ("slow", common.SLOW), ("allocation", 10_000.0))

    def __init__(self) -> None:
        self.crossings = [
            bt.ind.CrossOver(
                bt.ind.SMA(d.close, period=self.p.fast), bt.ind.SMA(d.close, period=self.p.slow)
            )
            for d in self.datas
        ]
        self.to_enter: list[bt.feed.DataBase] = []
        self.to_exit: list[bt.feed.DataBase] = []
        self.fills: list[tuple[str, Any, float, float]] = []

    def next(self) -> None:
        self.to_enter, self.to_exit = [], []
        for data, crossing in zip(self.datas, self.crossings, strict=True):
            if crossing[0] > 0 and not self.getposition(data).size:
                self.to_enter.append(data)
            elif crossing[0] < 0 and self.getposition(data).size:
                self.to_exit.append(data)

    def next_open(self) -> None:
        for data in self.to_exit:
            self.close(data=data)
        for data in self.to_enter:
            self.buy(data=data, size=math.floor(self.p.allocation / data.open[0]))

    def notify_order(self, order: bt.Order) -> None:
        if order.status == order.Completed:
            day = bt.num2date(order.executed.dt)
            self.fills.append(
                (order.data._name, day, float(order.executed.size), float(order.executed.price))
            )


def run(bars: common.Bars) -> tuple[SmaCross, float]:
    cerebro = bt.Cerebro(cheat_on_open=True, stdstats=False)
    cerebro.broker.setcash(common.CASH)
    cerebro.broker.set_checksubmit(False)
    for n, symbol in enumerate(bars.symbols):
        cerebro.adddata(bt.feeds.PandasData(dataname=bars.ohlcv(n)), name=symbol)
    cerebro.addstrategy(SmaCross, allocation=bars.allocation)
    strategy = cerebro.run()[0]
    return strategy, float(cerebro.broker.getvalue())


def main() -> None:
    args = common.arguments(__doc__ or "")
    bars = common.load(args.data)
    (strategy, final), seconds = common.timed(lambda: run(bars), args.warmup, args.repeat)
    trades = common.trades_from_fills(strategy.fills)
    common.report("backtrader", bt.__version__, seconds, final_equity=final, trades=trades)


if __name__ == "__main__":
    main()
