"""The Geopolitical Risk index of Caldara and Iacoviello: the authors' daily file."""

from tetra.adapters.sources.gpr.config import GPR_SERIES, GprConfig
from tetra.adapters.sources.gpr.data import GprSource

__all__ = ["GPR_SERIES", "GprConfig", "GprSource"]
