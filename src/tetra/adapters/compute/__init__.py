"""Executors beyond this machine, and the one place that picks an executor from settings."""

from tetra.adapters.compute.factory import open_executor

__all__ = ["open_executor"]
