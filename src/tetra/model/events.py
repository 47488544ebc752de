"""Calendar events' shared vocabulary: how much an economic release matters."""

from __future__ import annotations

from enum import StrEnum


class Importance(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
