"""Economic observations, each with the vintage in which it was known."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from tetra.core.errors import ValidationError


@dataclass(frozen=True, slots=True)
class EconomicObservation:
    """One value of a series for the period starting `date`, as known from `realtime_start`.

    `value` is None where the vendor reports a missing value (FRED's ``"."``). Keeping
    `realtime_start` lets a backtest see only what was published by then.
    """

    series_id: str
    date: dt.date
    realtime_start: dt.date
    value: float | None
    source: str
    realtime_end: dt.date | None = None

    def __post_init__(self) -> None:
        if not self.series_id:
            raise ValidationError("economic observation without a series id")
        if self.value is not None and not math.isfinite(self.value):
            raise ValidationError(f"{self.series_id} {self.date}: value is not finite")
        if self.realtime_end is not None and self.realtime_end < self.realtime_start:
            raise ValidationError(f"{self.series_id} {self.date}: vintage ends before it starts")
