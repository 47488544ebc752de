"""The strategy library; `STRATEGIES` maps each name to its class.

`ConditionalStrategy` is not in the registry: it wraps another strategy and a condition
rather than taking a config.
"""

from __future__ import annotations

from typing import Any

from tetra.strategy.base import Strategy
from tetra.strategy.library.butterfly import Butterfly
from tetra.strategy.library.buy_and_hold import BuyAndHold
from tetra.strategy.library.conditional import ConditionalStrategy
from tetra.strategy.library.crossover import MovingAverageCrossover
from tetra.strategy.library.mean_reversion import BollingerReversion, RsiReversion
from tetra.strategy.library.ml_signal import MlSignal
from tetra.strategy.library.momentum import CrossSectionalMomentum
from tetra.strategy.library.pair import PairTrading, cointegration_pvalue
from tetra.strategy.library.switch import MomentumSwitch

STRATEGIES: dict[str, type[Strategy[Any]]] = {
    strategy.name: strategy
    for strategy in (
        BuyAndHold,
        MovingAverageCrossover,
        CrossSectionalMomentum,
        RsiReversion,
        BollingerReversion,
        PairTrading,
        MomentumSwitch,
        Butterfly,
        MlSignal,
    )
}

__all__ = [
    "STRATEGIES",
    "BollingerReversion",
    "Butterfly",
    "BuyAndHold",
    "ConditionalStrategy",
    "CrossSectionalMomentum",
    "MlSignal",
    "MomentumSwitch",
    "MovingAverageCrossover",
    "PairTrading",
    "RsiReversion",
    "cointegration_pvalue",
]
