"""The offline sample-data generator: a seeded, realistic synthetic history (a data source).

Map: `history` is the front end (`generate_sample_history`: raw daily bars and corporate
actions), built from `profiles`, `members`, `factors`, `blocks`, `corporate_actions` and
`pricing`; `macro` generates FRED-shaped series and `news` articles toned by the sample's
moves. The numeric kernels (GARCH-t, factor model, OHLC and volume shapes) are
`tetra.simulation.stochastic`'s. `tetra.adapters.sources.sample` serves all of it through the
same ports as a vendor.
"""

from tetra.sample.history import SampleHistory, SampleSpec, generate_sample_history
from tetra.sample.macro import SAMPLE_SERIES

__all__ = ["SAMPLE_SERIES", "SampleHistory", "SampleSpec", "generate_sample_history"]
