"""Sessions follow the exchange calendar; crypto trades every day."""

from __future__ import annotations

import datetime as dt

import numpy as np

from tetra.data.calendars import ALWAYS_OPEN, early_closes, sessions


def test_nyse_sessions_skip_weekends_and_holidays() -> None:
    days = sessions(dt.date(2024, 11, 25), dt.date(2024, 12, 1))

    assert [str(d) for d in days] == ["2024-11-25", "2024-11-26", "2024-11-27", "2024-11-29"]


def test_half_days_are_sessions_and_listed_as_early_closes() -> None:
    assert np.datetime64("2024-11-29") in sessions(dt.date(2024, 11, 1), dt.date(2024, 11, 30))
    assert [str(d) for d in early_closes(dt.date(2024, 1, 1), dt.date(2024, 12, 31))] == [
        "2024-07-03",
        "2024-11-29",
        "2024-12-24",
    ]


def test_crypto_trades_every_calendar_day() -> None:
    days = sessions(dt.date(2024, 2, 25), dt.date(2024, 3, 2), ALWAYS_OPEN)

    assert len(days) == 7  # 2024 is a leap year: Feb 29 included
