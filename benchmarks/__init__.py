"""Reproducible benchmarks with correctness gates; see benchmarks/README.md."""
