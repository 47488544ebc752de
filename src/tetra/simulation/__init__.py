"""Market simulation: the simulated exchange (fill, fee, slippage and sizing rules, `exchange`;
their configs, `orders`), the stochastic kernels (`stochastic`), later market models, shocks,
scenarios and Monte Carlo. The offline sample-data generator lives in `tetra.sample`.
"""
