"""Polygon.io (also branded Massive): raw bars and corporate actions over its REST API."""

from tetra.adapters.sources.polygon.config import PolygonConfig
from tetra.adapters.sources.polygon.data import PolygonSource

__all__ = ["PolygonConfig", "PolygonSource"]
