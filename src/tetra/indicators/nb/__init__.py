"""Numba kernels behind `tetra.indicators`, on plain float64 arrays (no pandas).

`averages` (SMA, EMA on T x N panels; WMA), `oscillators` (RSI, stochastic %K, MACD on
panels, rate of change, momentum), `volatility` (Bollinger deviation, ATR, ADX/DI),
`volume` (OBV, VWAP), `statistics` (z-score on panels, rolling co-moments).
Kernels suffixed `_2d` take T x N arrays (one column per symbol); the rest take one series.
"""
