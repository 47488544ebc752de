"""Field readers shared by the vendor parsers."""

from __future__ import annotations

__all__ = ["optional_text"]


def optional_text(value: object) -> str | None:
    """Return `value` stripped, or None when missing or blank; raise TypeError for non-text."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError(f"{value!r} is not text")
    return value.strip() or None
