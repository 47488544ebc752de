"""Splits and dividends: the facts needed to derive adjusted prices from raw bars."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from tetra.core.errors import ValidationError
from tetra.model.bars import is_finite_positive


class CorporateActionType(StrEnum):
    SPLIT = "split"
    DIVIDEND = "dividend"


@dataclass(frozen=True, slots=True)
class Split:
    """A stock split effective on `ex_date`: `split_from` old shares become `split_to` new ones.

    A 4-for-1 split is ``split_from=1, split_to=4``; a 1-for-10 reverse split is
    ``split_from=10, split_to=1``. Raw prices before `ex_date` divide by `ratio` to adjust.
    """

    symbol: str
    ex_date: dt.date
    split_from: float
    split_to: float
    source: str

    def __post_init__(self) -> None:
        if not (is_finite_positive(self.split_from) and is_finite_positive(self.split_to)):
            raise ValidationError(f"{self.symbol} split on {self.ex_date}: terms must be > 0")
        if self.split_from == self.split_to:
            raise ValidationError(f"{self.symbol} split on {self.ex_date}: 1-for-1 is no split")

    @property
    def ratio(self) -> float:
        return self.split_to / self.split_from


@dataclass(frozen=True, slots=True)
class Dividend:
    """A cash dividend per share, paid to holders on the day before `ex_date`."""

    symbol: str
    ex_date: dt.date
    cash_amount: float
    source: str
    currency: str = "USD"
    pay_date: dt.date | None = None
    record_date: dt.date | None = None
    declaration_date: dt.date | None = None

    def __post_init__(self) -> None:
        if not is_finite_positive(self.cash_amount):
            raise ValidationError(f"{self.symbol} dividend on {self.ex_date}: amount must be > 0")
        if self.pay_date is not None and self.pay_date < self.ex_date:
            raise ValidationError(f"{self.symbol} dividend: pay date before ex-date")
