"""The US economic calendar: FRED release days (CPI, payrolls, GDP) and FOMC decisions."""

from tetra.adapters.sources.calendar.config import RELEASES, ReleaseSpec
from tetra.adapters.sources.calendar.data import EconomicCalendarSource, load_fomc_calendar

__all__ = ["RELEASES", "EconomicCalendarSource", "ReleaseSpec", "load_fomc_calendar"]
