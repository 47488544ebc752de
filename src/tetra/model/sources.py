"""Names of data sources that the domain itself knows about."""

SAMPLE_SOURCE = "sample"
"""The `source` of every row of the synthetic sample universe; never mixed with live data."""
