"""Response models of the universe routes (`routes/universe.py`)."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel


class InstrumentOut(BaseModel):
    symbol: str
    name: str
    asset_class: str
    group: str
    exchange: str
    currency: str
    themes: list[str]
    sector: str | None
    listed: dt.date | None
