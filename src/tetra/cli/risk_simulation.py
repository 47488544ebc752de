"""The simulator plugged into a risk report, for `tetra risk report` and `tetra demo`.

Risk sits below the simulator, so the CLI (a composition root) picks what fills the risk
layer's ports: `monte_carlo` is a seeded draw of a market model's paths for the Monte Carlo
VaR row, `scenario_stress` the scenario library (shipped, then the user's scenario
directory) applied to the book by replay or factor shock. Both go to `risk_report`.
"""

from __future__ import annotations

from tetra.cli.common import settings
from tetra.core.errors import ValidationError
from tetra.data.ports import Store
from tetra.risk.scenarios import MonteCarlo
from tetra.simulation.models import MODELS
from tetra.simulation.return_paths import ModelReturnPaths
from tetra.simulation.scenarios import load_scenarios
from tetra.simulation.scenarios.book_stress import LibraryStress


def monte_carlo(paths: int, seed: int, model: str) -> MonteCarlo | None:
    """Return the Monte Carlo draw of `paths` paths of `model`, or None for 0 paths.

    Raise `ValidationError` for a model the simulator does not have or fewer than 100 paths.
    """
    if model not in MODELS:
        raise ValidationError(f"unknown market model {model!r}; choose one of {', '.join(MODELS)}")
    if paths == 0:
        return None
    return MonteCarlo(ModelReturnPaths(model), model, paths, seed)


def scenario_stress(store: Store) -> LibraryStress:
    """Return every named scenario (shipped and the user's) as a stress of books from `store`.

    Raise the catalog's error for a user scenario file that does not parse.
    """
    scenarios = load_scenarios([settings().scenario_dir])
    return LibraryStress(store, list(scenarios.values()))
