"""`SizingPolicy`: which sizer sizes a strategy's entries, typed and validated.

A policy names one method of `tetra.risk.sizing` and its settings, optionally a whole-book
volatility target and caps on top; `sizer()` composes the `Sizer`. It stands alone
(`run_backtest(sizing=)`, ``tetra backtest run --sizing``) or as the ``[sizing]`` table of a
`RiskPolicy`. Settings a method does not use are refused by name, so a typo or a
setting meant for another method cannot pass silently::

    [sizing]
    method = "volatility_target"   # per position: weight = target / annualised volatility
    target = 0.10
    book_volatility = 0.12         # then scale the book to 12 % annualised volatility
    max_weight = 0.25              # then clip each weight, and the gross to max_gross
    lookback = 63                  # bars of returns behind volatilities and covariances

Methods and their settings: ``equal_weight`` (gross), ``fixed_fractional`` (fraction),
``fixed_risk`` (risk: the share of equity lost if the entry's stop is hit), ``volatility_target``
(target), ``inverse_volatility`` (gross), ``risk_parity`` (gross), ``kelly`` (fraction of the
Kelly weights, cap per position). ``book_volatility``, ``max_weight``, ``max_gross``,
``lookback`` and ``periods_per_year`` apply to every method.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import Any, Self

import numpy as np
import pydantic
from pydantic import BaseModel, ConfigDict, Field, model_validator

from tetra.core.errors import TetraError
from tetra.data.universe import Universe
from tetra.risk import sizing as s


class SizingMethod(StrEnum):
    """The position-sizing methods of `tetra.risk.sizing`, by their policy names."""

    EQUAL_WEIGHT = "equal_weight"
    FIXED_FRACTIONAL = "fixed_fractional"
    FIXED_RISK = "fixed_risk"
    VOLATILITY_TARGET = "volatility_target"
    INVERSE_VOLATILITY = "inverse_volatility"
    RISK_PARITY = "risk_parity"
    KELLY = "kelly"


# The method-specific settings each method reads (required ones first); the rest are refused.
SETTINGS: Mapping[SizingMethod, tuple[str, ...]] = {
    SizingMethod.EQUAL_WEIGHT: ("gross",),
    SizingMethod.FIXED_FRACTIONAL: ("fraction",),
    SizingMethod.FIXED_RISK: ("risk",),
    SizingMethod.VOLATILITY_TARGET: ("target",),
    SizingMethod.INVERSE_VOLATILITY: ("gross",),
    SizingMethod.RISK_PARITY: ("gross",),
    SizingMethod.KELLY: ("fraction", "cap"),
}
REQUIRED: Mapping[SizingMethod, str] = {
    SizingMethod.FIXED_FRACTIONAL: "fraction",
    SizingMethod.FIXED_RISK: "risk",
    SizingMethod.VOLATILITY_TARGET: "target",
}
METHOD_SETTINGS = ("gross", "fraction", "risk", "target", "cap")


class SizingPolicyError(TetraError, ValueError):
    """A sizing policy is malformed; `field` names the offending setting."""

    def __init__(self, message: str, field: str = "") -> None:
        self.field = field
        super().__init__(message)


class SizingPolicy(BaseModel):
    """How entries are sized; see the module docstring for the methods and their settings."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    method: SizingMethod
    gross: float | None = Field(default=None, gt=0.0)
    fraction: float | None = Field(default=None, gt=0.0)
    risk: float | None = Field(default=None, gt=0.0, lt=1.0)
    target: float | None = Field(default=None, gt=0.0)
    cap: float | None = Field(default=None, gt=0.0)
    book_volatility: float | None = Field(default=None, gt=0.0)
    max_weight: float | None = Field(default=None, gt=0.0)
    max_gross: float | None = Field(default=None, gt=0.0)
    lookback: int = Field(default=63, ge=2)
    periods_per_year: int = Field(default=252, ge=1)

    @model_validator(mode="after")
    def _settings_fit_the_method(self) -> Self:
        needed = REQUIRED.get(self.method)
        if needed is not None and getattr(self, needed) is None:
            raise ValueError(f"{needed}: {self.method} needs {needed}")
        for name in METHOD_SETTINGS:
            if getattr(self, name) is not None and name not in SETTINGS[self.method]:
                uses = ", ".join(SETTINGS[self.method])
                raise ValueError(f"{name}: {self.method} does not use {name} (it takes {uses})")
        return self

    def sizer(self) -> s.Sizer:
        """Return the composed sizer: the method, then the book target, then the caps."""
        sizer = self._method()
        if self.book_volatility is not None:
            sizer = s.VolatilityTargetBook(sizer, self.book_volatility, self.max_gross or 1.0)
        if self.max_weight is not None or self.max_gross is not None:
            sizer = s.Capped(sizer, self.max_weight, self.max_gross)
        return sizer

    def weights(
        self, closes: np.ndarray, signal: np.ndarray, stops: np.ndarray | None = None
    ) -> np.ndarray:
        """Return signed weights for `signal` at the last row of `closes`.

        `closes` (W, N) are bars up to the decision bar, the last row; the policy reads the
        last `lookback` returns of them and prices at the last row.
        """
        window = closes[-(self.lookback + 1) :]
        with np.errstate(invalid="ignore", divide="ignore"):
            returns = window[1:] / window[:-1] - 1.0
        inputs = s.SizingInputs(
            equity=1.0,  # weights do not depend on equity
            prices=closes[-1],
            signal=signal,
            returns=returns,
            stops=stops,
            periods_per_year=self.periods_per_year,
        )
        return np.asarray(self.sizer()(inputs), dtype=np.float64)

    def quantities(
        self,
        closes: np.ndarray,
        signal: np.ndarray,
        equity: float,
        symbols: Sequence[str],
        *,
        stops: np.ndarray | None = None,
        universe: Universe | None = None,
    ) -> np.ndarray:
        """Return signed units per symbol: whole for stocks and ETFs, fractional for crypto."""
        weights = self.weights(closes, signal, stops)
        return s.to_quantities(weights, equity, closes[-1], s.fractional_units(symbols, universe))

    def describe(self) -> str:
        """Return the policy in one line, e.g. ``volatility_target(target=0.1, lookback=63)``."""
        shown = self.model_dump(exclude_defaults=True, exclude={"method"})
        settings = ", ".join(f"{k}={v:g}" for k, v in shown.items())
        return f"{self.method}({settings})"

    def _method(self) -> s.Sizer:
        gross = self.gross if self.gross is not None else 1.0
        match self.method:
            case SizingMethod.EQUAL_WEIGHT:
                return s.EqualWeight(gross)
            case SizingMethod.FIXED_FRACTIONAL:
                return s.FixedFractional(_set(self.fraction))
            case SizingMethod.FIXED_RISK:
                return s.FixedRisk(_set(self.risk))
            case SizingMethod.VOLATILITY_TARGET:
                return s.VolatilityTarget(_set(self.target))
            case SizingMethod.INVERSE_VOLATILITY:
                return s.InverseVolatility(gross)
            case SizingMethod.RISK_PARITY:
                return s.RiskParity(gross)
            case SizingMethod.KELLY:
                return s.CappedKelly(self.fraction or 0.5, self.cap or 0.25)


def parse_sizing(document: Mapping[str, Any], source: str = "") -> SizingPolicy:
    """Build a sizing policy from a mapping; raise `SizingPolicyError` naming the field."""
    try:
        return SizingPolicy.model_validate(document)
    except pydantic.ValidationError as error:
        field, message = _first_problem(error)
        where = f"{source}: " if source else ""
        named = f"{field}: {message}" if field else message
        raise SizingPolicyError(f"{where}{named}", field=field) from None


def parse_sizing_option(text: str) -> SizingPolicy:
    """Read ``method`` or ``method:key=value,key=value`` (the CLI's `--sizing`)."""
    method, _, rest = text.strip().partition(":")
    document: dict[str, Any] = {"method": method.strip()}
    for pair in filter(None, (p.strip() for p in rest.split(","))):
        key, equals, value = pair.partition("=")
        if not equals:
            raise SizingPolicyError(f"--sizing: {pair!r} is not key=value", field=pair)
        document[key.strip()] = value.strip()
    return parse_sizing(document, source="--sizing")


def _set(value: float | None) -> float:
    assert value is not None  # the validator requires it for this method
    return value


def _first_problem(error: pydantic.ValidationError) -> tuple[str, str]:
    problem = error.errors()[0]
    field = ".".join(str(part) for part in problem["loc"])
    message = str(problem["msg"]).removeprefix("Value error, ")
    if not field:  # the cross-field check names its field first
        field, _, message = message.partition(": ")
    return field, message
