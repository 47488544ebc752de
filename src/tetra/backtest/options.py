"""A run's risk options, checked: what `run_backtest`, `sweep` and `walk_forward` take beside
the strategy, and what a stored run keeps of them. The CLI and the API each parse their own
input (options, request fields) into one `RunRisk`."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from tetra.risk import RiskPolicy
from tetra.risk.sizing_policy import SizingPolicy
from tetra.simulation.exits import Exits


@dataclass(frozen=True)
class RunRisk:
    """A run's exits, risk policy and sizing (each None when not asked for)."""

    exits: Exits | None = None
    risk_policy: RiskPolicy | None = None
    sizing: SizingPolicy | None = None

    def options(self) -> dict[str, Any]:
        """Return the keyword arguments of `run_backtest`, `sweep` and `walk_forward`."""
        return {"exits": self.exits, "risk_policy": self.risk_policy, "sizing": self.sizing}

    def stored(self) -> dict[str, Any]:
        """Return what a stored run keeps of them: the ones set, without their defaults."""
        kept: dict[str, Any] = {}
        if self.sizing is not None:
            kept["sizing"] = self.sizing.model_dump(mode="json", exclude_defaults=True)
        if self.exits is not None:
            kept["exits"] = {k: v for k, v in asdict(self.exits).items() if v is not None}
        if self.risk_policy is not None:
            kept["risk_policy"] = self.risk_policy.model_dump(mode="json", exclude_defaults=True)
        return kept
