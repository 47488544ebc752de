"""Market simulation: stochastic price models, the offline sample universe, later scenarios
and shocks.
"""
