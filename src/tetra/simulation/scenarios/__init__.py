"""Named scenarios: shipped and user TOML files, factor betas, and their application.

Map: `catalog` (the `Scenario` type, reading and validating files, the shipped
`library/`), `factors` (betas to factor proxies and shocked returns), `stress` (a
portfolio under scenarios, by replay from the store or by factor shock).
"""

from tetra.simulation.scenarios.catalog import (
    Scenario,
    ScenarioError,
    load_scenarios,
    pick,
    read_scenario_file,
    scenario_from_mapping,
    shipped_scenarios,
)
from tetra.simulation.scenarios.stress import (
    FACTOR,
    REPLAY,
    HoldingOutcome,
    Portfolio,
    ScenarioOutcome,
    stress_portfolio,
)

__all__ = [
    "FACTOR",
    "REPLAY",
    "HoldingOutcome",
    "Portfolio",
    "Scenario",
    "ScenarioError",
    "ScenarioOutcome",
    "load_scenarios",
    "pick",
    "read_scenario_file",
    "scenario_from_mapping",
    "shipped_scenarios",
    "stress_portfolio",
]
