from __future__ import annotations

import datetime as dt

import pytest

from tetra.core.clock import FixedClock, SystemClock


def test_fixed_clock_stays_put_until_advanced() -> None:
    clock = FixedClock(dt.datetime(2024, 1, 2, tzinfo=dt.UTC))
    assert clock.now() == clock.now()
    clock.advance(dt.timedelta(hours=1))
    assert clock.now() == dt.datetime(2024, 1, 2, 1, tzinfo=dt.UTC)


def test_fixed_clock_refuses_naive_instants() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        FixedClock(dt.datetime(2024, 1, 2))


def test_system_clock_is_utc() -> None:
    assert SystemClock().now().utcoffset() == dt.timedelta(0)
