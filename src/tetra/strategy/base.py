"""The Strategy base: a frozen config, and decisions for either backtest path.

A strategy implements `on_bar` (the per-bar path: any logic, one call per date, after
`init` has precomputed what it needs), `orders` (the compiled path: the whole run's
decisions as arrays), or both; a library strategy that does both must decide identically,
which the parity tests check. Configs are pydantic models, frozen and validated, so a
parameter sweep or a CLI `--param k=v` is checked before anything runs.
"""

from __future__ import annotations

from abc import ABC
from collections.abc import Sequence
from typing import Any, ClassVar, Generic, TypeVar

from pydantic import BaseModel, ConfigDict

from tetra.market import BarContext, MarketData, OrderArrays


class StrategyConfig(BaseModel):
    """Base of every strategy config: frozen, no unknown fields."""

    model_config = ConfigDict(frozen=True, extra="forbid")


ConfigT = TypeVar("ConfigT", bound=StrategyConfig)


class Strategy(ABC, Generic[ConfigT]):
    """Subclass with `name`, `Config`, and `on_bar` and/or `orders`."""

    name: ClassVar[str] = "strategy"
    Config: ClassVar[type[StrategyConfig]] = StrategyConfig
    leg_roles: ClassVar[tuple[str, ...]] = ()  # multi-leg strategies: each leg's role, in order

    def __init__(self, config: ConfigT | None = None, **params: Any) -> None:
        if config is not None and params:
            raise TypeError("pass a config or keyword parameters, not both")
        self.config: ConfigT = config if config is not None else self.Config(**params)  # type: ignore[assignment]

    def init(self, market: MarketData) -> None:
        """Precompute indicators for the per-bar path (called once before the first bar)."""

    def on_bar(self, bar: BarContext) -> None:
        """Decide at a bar's close; orders placed here execute from the next bar on."""
        raise NotImplementedError(f"{self.name} has no per-bar logic; run it on the compiled path")

    def orders(self, market: MarketData) -> OrderArrays | None:
        """Return every decision as arrays for the compiled path, or None if it has none."""
        return None

    @property
    def compiled(self) -> bool:
        return type(self).orders is not Strategy.orders

    @property
    def per_bar(self) -> bool:
        return type(self).on_bar is not Strategy.on_bar

    def legs(self, symbols: Sequence[str]) -> list[dict[str, str]]:
        """Return ``{"symbol", "role"}`` per leg: the config's `symbols` if set, else the market's.

        Empty for strategies whose symbols are interchangeable. `symbols` is the market's
        column order, which is the order the user gave (see `MarketData.from_frames`).
        """
        if not self.leg_roles:
            return []
        chosen = getattr(self.config, "symbols", None) or symbols
        return [{"symbol": s, "role": r} for s, r in zip(chosen, self.leg_roles, strict=False)]

    def describe(self) -> str:
        params = ", ".join(f"{k}={v}" for k, v in self.config.model_dump().items())
        return f"{self.name}({params})"
