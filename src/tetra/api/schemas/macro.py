"""Response models of an economic series' vintages (`/api/market/macro/{series_id}/vintages`)."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field


class MacroVintageOut(BaseModel):
    """One vintage: a day the series published values, new ones and revisions."""

    realtime_start: dt.date = Field(description="The day these values were first known.")
    new: int = Field(description="Values for dates that had none before.")
    revised: int = Field(description="Values that replace an earlier vintage's.")


class MacroVintagesOut(BaseModel):
    series_id: str
    vintages: list[MacroVintageOut] = Field(description="Oldest first.")
