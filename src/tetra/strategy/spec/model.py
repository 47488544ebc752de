"""The strategy specification: a closed, versioned, bounded description of a strategy.

A spec is what a model (or the offline parser) may produce, and all it may produce: every
field is typed and bounded, indicators and conditions come from enums and tagged unions,
and unknown fields are refused, so there is no place for code. A spec is either a library
strategy with its parameters (checked by that strategy's own config) or a rule strategy
(entry and exit conditions from the timing-condition library, an optional stop); filters
gate the entries of either; what it trades (symbols, or a universe group or theme of the
store resolved when it runs), rebalancing, sizing, costs, the risk policy and the backtest
window complete it. `canonical_json` and `spec_hash` give its canonical form and identity.

Version 2 added `universe`, `rebalance`, `sizing` and `risk.policy`; a version 1 spec still loads
(`_migrate`: the version is bumped and momentum's `params.rebalance` moves to `rebalance`, the
one place a schedule is said).

Map: `Symbol`; `SeriesRef` (what a condition reads); the conditions (`ThresholdRule`,
`CrossRule`, `MacroRule`, `CalendarRule`, `EventWindowRule`); `LibraryStrategy`,
`RuleStrategy`; `UniverseRef`, `Rebalance`, `Sizing`, `Costs`, `Risk`; `StrategySpec`.
"""

from __future__ import annotations

import hashlib
import json
from enum import StrEnum
from typing import Annotated, Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from tetra.risk.sizing_policy import SizingMethod

SPEC_VERSION: Final = 2
MAX_PERIOD = 400
MAX_SYMBOLS = 30
MAX_RULES = 6
_MAX_NUMBER = 1e7  # every number inside a library strategy's parameters stays within +-this

Symbol = Annotated[str, StringConstraints(pattern=r"^[A-Z][A-Z0-9]{0,9}(\.[A-Z])?$")]
Period = Annotated[int, Field(ge=1, le=MAX_PERIOD)]
Level = Annotated[float, Field(ge=-1e6, le=1e6, allow_inf_nan=False)]
Name = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{1,39}$")]


class _Closed(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Indicator(StrEnum):
    """What a condition may read: the close, or an indicator of it (the timing library's)."""

    CLOSE = "close"
    SMA = "sma"
    EMA = "ema"
    RSI = "rsi"
    ZSCORE = "zscore"
    ROC = "roc"


class SeriesRef(_Closed):
    """An indicator of the close; `symbol` reads one symbol's series for every symbol."""

    indicator: Indicator
    period: Period | None = None
    symbol: Symbol | None = None

    @model_validator(mode="after")
    def _period_matches(self) -> SeriesRef:
        if self.indicator is Indicator.CLOSE and self.period is not None:
            raise ValueError("the close takes no period")
        if self.indicator is not Indicator.CLOSE and self.period is None:
            raise ValueError(f"{self.indicator.value} needs a period")
        return self


class ThresholdRule(_Closed):
    """True where the series is below `below` and/or above `above` (a number or a series)."""

    kind: Literal["threshold"] = "threshold"
    series: SeriesRef
    below: Level | SeriesRef | None = None
    above: Level | SeriesRef | None = None

    @model_validator(mode="after")
    def _has_a_level(self) -> ThresholdRule:
        if self.below is None and self.above is None:
            raise ValueError("a threshold needs below, above or both")
        return self


class CrossRule(_Closed):
    """True on the bar where `series` crosses `other` upwards or downwards."""

    kind: Literal["cross"] = "cross"
    series: SeriesRef
    direction: Literal["above", "below"]
    other: Level | SeriesRef


class MacroSeries(StrEnum):
    """Economic series a regime filter may read (FRED ids, as the store keeps them)."""

    VIX = "VIXCLS"
    TEN_YEAR = "DGS10"
    TWO_YEAR = "DGS2"
    CURVE = "T10Y2Y"
    FED_FUNDS = "DFF"


class MacroRule(_Closed):
    """A market-wide regime: an economic series below and/or above a level (last value known
    at the previous day's close, so a decision never reads that day's print)."""

    kind: Literal["macro"] = "macro"
    series: MacroSeries
    below: Level | None = None
    above: Level | None = None

    @model_validator(mode="after")
    def _has_a_level(self) -> MacroRule:
        if self.below is None and self.above is None:
            raise ValueError("a macro regime needs below, above or both")
        return self


class CalendarRule(_Closed):
    """Month ends, or the given weekdays (Monday 0 to Friday 4)."""

    kind: Literal["calendar"] = "calendar"
    rule: Literal["month_end", "weekdays"]
    weekdays: tuple[Annotated[int, Field(ge=0, le=6)], ...] = Field(default=(), max_length=7)

    @model_validator(mode="after")
    def _weekdays_given(self) -> CalendarRule:
        if (self.rule == "weekdays") != bool(self.weekdays):
            raise ValueError("weekdays are given exactly when the rule is 'weekdays'")
        return self


class EventWindowRule(_Closed):
    """False within `days` business days of a scheduled event of the kind, True elsewhere."""

    kind: Literal["avoid_events"] = "avoid_events"
    events: Literal["earnings", "fomc"]
    days: int = Field(default=2, ge=0, le=10)


Condition = Annotated[
    ThresholdRule | CrossRule | MacroRule | CalendarRule | EventWindowRule,
    Field(discriminator="kind"),
]


class LibraryName(StrEnum):
    BUY_AND_HOLD = "buy_and_hold"
    SMA_CROSSOVER = "sma_crossover"
    MOMENTUM = "momentum"
    RSI_REVERSION = "rsi_reversion"
    BOLLINGER_REVERSION = "bollinger_reversion"
    PAIR = "pair"
    SWITCH = "switch"
    BUTTERFLY = "butterfly"


class LibraryStrategy(_Closed):
    """A strategy of the library; `params` are checked by that strategy's config when compiled
    (`validate_spec`), and must be numbers, booleans or short words within bounds."""

    kind: Literal["library"] = "library"
    name: LibraryName
    params: dict[
        Annotated[str, StringConstraints(pattern=r"^[a-z_]{1,20}$")],
        float | int | bool | Annotated[str, StringConstraints(pattern=r"^[a-z_]{1,20}$")] | None,
    ] = Field(default_factory=dict, max_length=8)

    @model_validator(mode="after")
    def _numbers_bounded(self) -> LibraryStrategy:
        for key, value in self.params.items():
            if isinstance(value, int | float) and not abs(value) <= _MAX_NUMBER:
                raise ValueError(f"parameter {key} = {value} is out of bounds")
        return self


class Stop(_Closed):
    """Exit a position whose close falls `atr` ATRs, or `percent` %, from the entry close."""

    atr: float | None = Field(default=None, gt=0, le=10)
    atr_period: int = Field(default=14, ge=2, le=100)
    percent: float | None = Field(default=None, gt=0, le=50)

    @model_validator(mode="after")
    def _one_kind(self) -> Stop:
        if (self.atr is None) == (self.percent is None):
            raise ValueError("a stop is either atr or percent")
        return self


class RuleStrategy(_Closed):
    """Enter (long or short) where every entry rule holds; exit where any exit rule holds,
    or at the stop."""

    kind: Literal["rules"] = "rules"
    side: Literal["long", "short"] = "long"
    entry: tuple[Condition, ...] = Field(min_length=1, max_length=MAX_RULES)
    exit: tuple[Condition, ...] = Field(default=(), max_length=MAX_RULES)
    stop: Stop | None = None

    @model_validator(mode="after")
    def _can_exit(self) -> RuleStrategy:
        if not self.exit and self.stop is None:
            raise ValueError("a rule strategy needs an exit rule or a stop")
        return self


class UniverseRef(_Closed):
    """Trade a universe group (``growth_stocks``) or theme (``ai_infrastructure``) of the
    store's symbols instead of listing them: when the spec runs, it is resolved to the
    store's members, sorted, which become the spec's symbols (see `resolve_universe`); a
    name the store does not know is refused with the names it does."""

    group: Name


class Rebalance(StrEnum):
    """How often a weights strategy goes back to its targets (or every N bars, an integer)."""

    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"


RebalanceEvery = Rebalance | Annotated[int, Field(ge=1, le=252)]
REBALANCED = (LibraryName.MOMENTUM, LibraryName.BUY_AND_HOLD)  # the strategies it applies to


class Sizing(_Closed):
    """How entries are sized: one of the risk layer's sizing methods with its settings (a
    setting the method does not use is refused when the spec is validated), then optionally
    a whole-book volatility target and caps. Fractions of equity, annualised volatilities."""

    method: SizingMethod
    gross: float | None = Field(default=None, gt=0, le=2)
    fraction: float | None = Field(default=None, gt=0, le=1)
    risk: float | None = Field(default=None, gt=0, le=0.2)
    target: float | None = Field(default=None, gt=0, le=1)
    cap: float | None = Field(default=None, gt=0, le=1)
    book_volatility: float | None = Field(default=None, gt=0, le=1)
    max_weight: float | None = Field(default=None, gt=0, le=1)
    max_gross: float | None = Field(default=None, gt=0, le=2)
    lookback: int = Field(default=63, ge=2, le=MAX_PERIOD)


class Costs(_Closed):
    """Commission and slippage, in basis points of traded value."""

    commission_bps: float = Field(default=1.0, ge=0, le=100)
    slippage_bps: float = Field(default=2.0, ge=0, le=100)


class Risk(_Closed):
    """`policy`: the risk policy the backtest runs under, ``default`` (Tetra's shipped one)
    or the name of a policy file in the data directory (``risk_policies/<name>.toml``);
    `max_drawdown`: the loss from the equity peak the strategy may not exceed (fraction),
    which overrides the policy's."""

    policy: Name | None = None
    max_drawdown: float | None = Field(default=None, gt=0, lt=1)


class StrategySpec(_Closed):
    """One version of a strategy idea. `symbols` or `universe` (or both once resolved: then
    the symbols are its members). `weight`: fraction of equity per position (rule
    strategies; default 1 / number of symbols); `weights`: per symbol, for buy and hold.
    `rebalance`: for momentum and weighted buy and hold. `sizing`: sizes every entry (over
    `weight`). `years`: the backtest's window, ending at the latest data."""

    spec_version: Literal[2] = SPEC_VERSION
    strategy: Annotated[LibraryStrategy | RuleStrategy, Field(discriminator="kind")]
    symbols: tuple[Symbol, ...] = Field(default=(), max_length=MAX_SYMBOLS)
    universe: UniverseRef | None = None
    rebalance: RebalanceEvery | None = None
    filters: tuple[Condition, ...] = Field(default=(), max_length=MAX_RULES)
    weight: float | None = Field(default=None, gt=0, le=1)
    weights: dict[Symbol, Annotated[float, Field(ge=0, le=1)]] | None = Field(
        None, max_length=MAX_SYMBOLS
    )
    sizing: Sizing | None = None
    costs: Costs = Field(default_factory=Costs)
    risk: Risk = Field(default_factory=Risk)
    years: int = Field(default=5, ge=1, le=20)

    @model_validator(mode="before")
    @classmethod
    def _migrate(cls, data: Any) -> Any:
        return migrate(data) if isinstance(data, dict) else data

    @model_validator(mode="after")
    def _rebalance_applies(self) -> StrategySpec:
        strategy = self.strategy
        if self.rebalance is not None and not (
            isinstance(strategy, LibraryStrategy) and strategy.name in REBALANCED
        ):
            names = " and ".join(n.value for n in REBALANCED)
            raise ValueError(f"rebalance applies to {names} only")
        return self

    @model_validator(mode="after")
    def _distinct_symbols(self) -> StrategySpec:
        if not self.symbols and self.universe is None:
            raise ValueError("name the symbols or a universe group")
        if len(set(self.symbols)) != len(self.symbols):
            raise ValueError("symbols repeat")
        if self.weights is not None:
            if set(self.weights) - set(self.symbols):
                raise ValueError("weights name symbols the spec does not trade")
            if sum(self.weights.values()) > 1 + 1e-9:
                raise ValueError("weights sum to more than 1")
        return self

    def referenced_symbols(self) -> tuple[str, ...]:
        """Return the spec's symbols and every other symbol its conditions read, in order."""
        seen = dict.fromkeys(self.symbols)
        for condition in self.conditions():
            for ref in _series_refs(condition):
                if ref.symbol is not None:
                    seen.setdefault(ref.symbol)
        return tuple(seen)

    def conditions(self) -> tuple[Any, ...]:
        rules = self.strategy
        inner = (*rules.entry, *rules.exit) if isinstance(rules, RuleStrategy) else ()
        return (*inner, *self.filters)


def migrate(data: dict[str, Any]) -> dict[str, Any]:
    """Return a spec mapping in the current version's shape: a version 1 spec is bumped, and
    momentum's schedule in `params.rebalance` moves to `rebalance` ("month_end" is "monthly")."""
    data = dict(data)
    if data.get("spec_version") == 1:
        data["spec_version"] = SPEC_VERSION
    strategy = data.get("strategy")
    if not isinstance(strategy, dict) or strategy.get("name") != LibraryName.MOMENTUM.value:
        return data
    params = strategy.get("params")
    if not isinstance(params, dict) or "rebalance" not in params:
        return data
    params = dict(params)
    every = params.pop("rebalance")
    every = Rebalance.MONTHLY.value if every == "month_end" else every
    if data.get("rebalance") not in (None, every):
        raise ValueError("the rebalance is given twice, differently (say it once: rebalance)")
    data["strategy"] = {**strategy, "params": params}
    data["rebalance"] = every
    return data


def _series_refs(condition: Any) -> list[SeriesRef]:
    refs = []
    for name in ("series", "below", "above", "other"):
        value = getattr(condition, name, None)
        if isinstance(value, SeriesRef):
            refs.append(value)
    return refs


def canonical_json(spec: StrategySpec) -> str:
    """Return the spec's canonical form: every field, sorted keys, no spaces."""
    return json.dumps(spec.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))


def spec_hash(spec: StrategySpec) -> str:
    """Return the SHA-256 of the canonical form: equal specs, equal hashes."""
    return hashlib.sha256(canonical_json(spec).encode()).hexdigest()


def json_schema() -> dict[str, Any]:
    """Return the spec's JSON schema (what a model is asked to fill)."""
    return StrategySpec.model_json_schema()
