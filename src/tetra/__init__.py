"""Tetra: a self-hosted quant trading platform."""

from tetra.core.numba_cache import use_source_keyed_cache

__version__ = "0.1.0"

use_source_keyed_cache()  # before any kernel is compiled or loaded from the cache
