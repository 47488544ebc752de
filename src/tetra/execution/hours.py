"""Market hours in the order path: an order that needs an open market is not sent to a closed one.

The order manager asks `MarketHours.refusal` after the risk check and before anything is
persisted as sendable. Equities and ETFs follow the XNYS calendar (holidays and half days
from `exchange_calendars`); the symbols named crypto trade every day and are never refused.

What happens to an equity order while XNYS is closed depends on its time in force:

- ``day`` and ``ioc`` are **refused** with the reason and the next open (UTC). Brokers treat
  them differently after hours (Alpaca and IB queue a day order for the next session, an
  ioc may be cancelled at once), so sending them would let a Sunday click or an evening
  approval trade at Monday's open price without the user having chosen that. Refusing is
  the honest, simple behaviour: nothing waits in Tetra or at the venue that the user did
  not ask for, and the reason says when to send it again.
- ``opg``, ``cls`` and ``gtc`` pass: the user asked the venue to queue them (at the open, at
  the close, until cancelled), which is exactly what a closed market means for them.

The composition roots (`tetra.adapters.brokers.factory`) give market hours to Alpaca and IB.
Not to paper: it fills at the store's latest close like the backtests, so the daily cycle,
which runs after the session it trades, keeps its paper fills; nor to Binance (crypto only).

`MarketHours.session_of` says which session a fill belongs to when it is booked into a
book's ledger (`tetra.execution.booking`): a crypto symbol's is the UTC date; an equity's
the New York date, or the next XNYS session when that date is none (Alpaca's overnight
session opens on Sunday evening for Monday).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from tetra.data.calendars import EQUITY_CALENDAR, EXCHANGES, is_open_at, next_open_after, sessions
from tetra.execution.orders import Order, TimeInForce

NEEDS_OPEN_MARKET = frozenset({TimeInForce.DAY, TimeInForce.IOC})
NEW_YORK = ZoneInfo(EXCHANGES["NYSE"][2])
_WEEK = dt.timedelta(days=7)


class MarketHours:
    """Which orders a closed market refuses; crypto symbols are always open."""

    def __init__(self, crypto: Iterable[str], calendar: str = EQUITY_CALENDAR) -> None:
        self.crypto = frozenset(crypto)
        self.calendar = calendar

    def refusal(self, order: Order, at: dt.datetime) -> str | None:
        """Return why `order` may not be sent at `at`, or None when it may."""
        at = at.astimezone(dt.UTC)
        if order.symbol in self.crypto or order.time_in_force not in NEEDS_OPEN_MARKET:
            return None
        try:
            if is_open_at(at, self.calendar):
                return None
            opens = next_open_after(at, self.calendar)
        except ValueError as error:
            return f"market hours unknown for {at:%Y-%m-%d %H:%M} UTC: {error}"
        return (
            f"market closed: {self.calendar} is closed at {at:%Y-%m-%d %H:%M} UTC and opens "
            f"{opens:%Y-%m-%d %H:%M} UTC; send it then, or with time in force opg or gtc "
            "to queue it at the broker"
        )

    def session_of(self, symbol: str, at: dt.datetime) -> dt.date:
        """Return the session of a fill of `symbol` at `at` (see the module docstring)."""
        if symbol in self.crypto:
            return at.astimezone(dt.UTC).date()
        day = at.astimezone(NEW_YORK).date()
        try:
            ahead = sessions(day, day + _WEEK, self.calendar)
        except ValueError:  # beyond the calendar's years: the New York date
            return day
        return ahead[0].astype(dt.date) if ahead.size else day
