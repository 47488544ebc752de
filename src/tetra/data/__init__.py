"""Ingestion, validation, quality and coverage; ports.py holds the source and store contracts."""
