"""Backtest engines against peers: speed and memory, gated on identical trades."""
