"""Experiment tracking behind `tetra.ml.tracking.Tracker`: MLflow (SQLite or a server)."""
