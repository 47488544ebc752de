"""Performance metrics and tearsheets of backtests (SOD/EOD reports and delivery to come)."""

from __future__ import annotations

from tetra.reports.metrics import Metrics, compute_metrics
from tetra.reports.tearsheet import render_tearsheet

__all__ = ["Metrics", "compute_metrics", "render_tearsheet"]
