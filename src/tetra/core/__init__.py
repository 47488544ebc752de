"""Clock, errors and time helpers shared by every layer (stdlib and NumPy only, no I/O)."""
