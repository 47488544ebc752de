"""Backtesting: one fill model, two execution paths (compiled kernels and per-bar callbacks)."""
