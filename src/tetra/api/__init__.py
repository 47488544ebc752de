"""The HTTP API: FastAPI composition root (routes/, deps.py, schemas.py, errors.py)."""
