"""Data sources: vendor adapters and the offline sample source, selectable alike."""
