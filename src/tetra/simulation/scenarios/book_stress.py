"""The risk package's `ScenarioStress` port, implemented by the scenario library.

`LibraryStress(store, scenarios).losses(weights, value, as_of)` applies each scenario with
`stress_portfolio` (replay from the store when it holds the window, else a factor shock
through betas; the outcome says which and why) and turns the outcome into a risk
`ScenarioLoss`. A scenario the store cannot serve at all (a factor proxy it does not hold,
too little history for betas) comes back ``unavailable`` with the error as its reason, so
one missing proxy does not hide the other scenarios.

A book levered past 100 % gross is applied at weights scaled down to 100 % and the result
scaled back up: a scenario's return and P&L are linear in the weights under both methods.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from tetra.core.errors import TetraError
from tetra.data.ports import Store
from tetra.risk.scenarios import ScenarioLoss, unavailable
from tetra.simulation.scenarios.catalog import Scenario
from tetra.simulation.scenarios.stress import Portfolio, ScenarioOutcome, stress_portfolio


@dataclass(frozen=True)
class LibraryStress:
    """Apply named scenarios (the shipped library by default) to books priced from `store`."""

    store: Store
    scenarios: Sequence[Scenario]
    beta_years: int = 3

    def losses(
        self, weights: Mapping[str, float], value: float, as_of: dt.date
    ) -> Sequence[ScenarioLoss]:
        """Return one loss per scenario, in the scenarios' order (see the module docstring)."""
        scale = max(1.0, sum(abs(w) for w in weights.values()))
        portfolio = Portfolio({s: w / scale for s, w in weights.items()}, value)
        return [self._one(scenario, portfolio, scale, as_of) for scenario in self.scenarios]

    def _one(
        self, scenario: Scenario, portfolio: Portfolio, scale: float, as_of: dt.date
    ) -> ScenarioLoss:
        try:
            (outcome,) = stress_portfolio(
                self.store, portfolio, [scenario], as_of=as_of, beta_years=self.beta_years
            )
        except (TetraError, ValueError, KeyError) as error:
            return unavailable(scenario.name, scenario.title, str(error).strip("'\""))
        return scenario_loss_of(outcome, scale)


def scenario_loss_of(outcome: ScenarioOutcome, scale: float = 1.0) -> ScenarioLoss:
    """Return the simulator's outcome as a risk `ScenarioLoss` (losses positive)."""
    by_symbol = {h.symbol: -h.weight * h.scenario_return * scale for h in outcome.holdings}
    return ScenarioLoss(
        scenario=outcome.scenario.name,
        loss=-outcome.portfolio_return * scale,
        by_symbol=by_symbol,
        title=outcome.scenario.title,
        method=outcome.method,
        why=outcome.why,
        pnl=outcome.pnl * scale,
        returns={h.symbol: h.scenario_return for h in outcome.holdings},
    )
