"""`RiskPolicy`: a book's limits, typed and validated, from TOML or Python.

A policy sets any of the portfolio limits of `LimitKind` (weights are signed position value
over equity, so 0.10 is 10 % of equity), per-order limits for the pre-trade engine, and what
a breach does (`BreachRule`: the trading state it moves the book to, how many consecutive
checks it must persist before it trips, whether it holds until reset). Unset limits do not
apply. Everything is checked when the policy is built; an inconsistent policy raises
`RiskPolicyError` naming the field, e.g. ``max_net_leverage: 2.0 exceeds max_gross_leverage``.

TOML layout (every key optional)::

    max_position_weight = 0.10
    max_gross_leverage = 1.0
    max_net_leverage = 1.0
    daily_loss_limit = 0.03          # loss since the previous close, over that close's equity
    max_drawdown = 0.15              # from the equity peak
    persistence = 2                  # consecutive breached checks before a limit trips
    group_caps = { crypto = 0.10 }   # universe groups (tetra.data.universe)
    theme_caps = { quantum = 0.05 }
    asset_class_caps = { equity = 0.8 }
    correlation = { threshold = 0.8, cap = 0.30, window = 60 }
    orders = { max_notional = 50000, price_band = 0.10, max_submits = 100, per_seconds = 1 }
    sizing = { method = "volatility_target", target = 0.10 }   # tetra.risk.sizing_policy
    [on_breach.drawdown]
    state = "halted"
    latch = true
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Mapping
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Self

import pydantic
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from tetra.core.errors import TetraError
from tetra.data.universe import Universe, load_universe, parse_group
from tetra.model.instruments import AssetClass, UniverseGroup
from tetra.risk.sizing_policy import SizingPolicy
from tetra.risk.vocabulary import LimitKind, TradingState

Fraction = float  # a share of equity, 0.10 = 10 %
DEFAULT_POLICY = "default_policy.toml"

# What a breach does unless the policy says otherwise: exposure limits only stop growth,
# the loss limits stop trading. The drawdown breaker holds until someone resets it.
DEFAULT_RESPONSE: Mapping[LimitKind, TradingState] = {
    **{kind: TradingState.REDUCING for kind in LimitKind},
    LimitKind.DRAWDOWN: TradingState.HALTED,
}
DEFAULT_LATCHED = frozenset({LimitKind.DRAWDOWN})


class RiskPolicyError(TetraError, ValueError):
    """A policy is malformed or inconsistent; `field` names the offending setting."""

    def __init__(self, message: str, field: str = "") -> None:
        self.field = field
        super().__init__(message)

    @classmethod
    def from_pydantic(cls, error: pydantic.ValidationError, source: str = "") -> RiskPolicyError:
        """Summarise pydantic's errors as one message, naming every field at fault."""
        lines = [_problem_line(problem) for problem in error.errors()]
        first = lines[0][0] if lines else ""
        text = "; ".join(f"{field}: {message}" if field else message for field, message in lines)
        return cls(f"{source}: {text}" if source else text, field=first)


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


class CorrelationLimit(_Frozen):
    """Cap the summed |weight| of holdings whose return correlation is at least `threshold`.

    The measure, per holding i: the sum of |weight| over held j (i included) whose correlation
    with i over the last `window` bars of returns is >= `threshold`; the largest such sum over
    all holdings must not exceed `cap`.
    """

    threshold: float = Field(gt=0.0, le=1.0)
    cap: Fraction = Field(gt=0.0)
    window: int = Field(ge=2)


class OrderLimits(_Frozen):
    """Per-order limits for the pre-trade engine (unset ones do not apply)."""

    max_notional: float | None = Field(default=None, gt=0.0)
    price_band: Fraction | None = Field(default=None, gt=0.0)
    max_submits: int | None = Field(default=None, ge=1)
    per_seconds: float = Field(default=1.0, gt=0.0)


class BreachRule(_Frozen):
    """What a breach of one limit does; unset fields take the policy's defaults."""

    state: TradingState | None = None
    persistence: int | None = Field(default=None, ge=1)
    latch: bool | None = None

    @field_validator("state")
    @classmethod
    def _not_active(cls, state: TradingState | None) -> TradingState | None:
        if state is TradingState.ACTIVE:
            raise ValueError("a breach must move the book to 'reducing' or 'halted'")
        return state


class RiskPolicy(_Frozen):
    """A book's limits; see the module docstring for units, defaults and the TOML layout."""

    max_position_weight: Fraction | None = Field(default=None, gt=0.0)
    group_caps: dict[UniverseGroup, Fraction] = Field(default_factory=dict)
    theme_caps: dict[str, Fraction] = Field(default_factory=dict)
    asset_class_caps: dict[AssetClass, Fraction] = Field(default_factory=dict)
    max_gross_leverage: float | None = Field(default=None, gt=0.0)
    max_net_leverage: float | None = Field(default=None, ge=0.0)
    correlation: CorrelationLimit | None = None
    daily_loss_limit: Fraction | None = Field(default=None, gt=0.0, lt=1.0)
    max_drawdown: Fraction | None = Field(default=None, gt=0.0, lt=1.0)
    persistence: int = Field(default=2, ge=1)
    orders: OrderLimits = OrderLimits()
    on_breach: dict[LimitKind, BreachRule] = Field(default_factory=dict)
    sizing: SizingPolicy | None = None  # sizes entries in backtests (`tetra.backtest.sized`)

    def __init__(self, **data: Any) -> None:
        try:
            super().__init__(**data)
        except pydantic.ValidationError as error:
            raise RiskPolicyError.from_pydantic(error) from None

    @field_validator("group_caps", mode="before")
    @classmethod
    def _known_groups(cls, caps: object) -> object:
        if isinstance(caps, Mapping):
            for name in caps:
                parse_group(str(name))  # raises UnknownGroup listing the valid ones
        return caps

    @field_validator("group_caps", "theme_caps", "asset_class_caps")
    @classmethod
    def _caps_not_negative(cls, caps: dict[Any, float]) -> dict[Any, float]:
        for name, cap in caps.items():
            if cap < 0:
                raise ValueError(f"cap for {name} is {cap}; a cap cannot be below zero")
        return caps

    @field_validator("theme_caps")
    @classmethod
    def _known_themes(cls, caps: dict[str, float], info: pydantic.ValidationInfo) -> Any:
        universe = (info.context or {}).get("universe") or packaged_universe()
        unknown = sorted(set(caps) - set(universe.themes))
        if unknown:
            raise ValueError(
                f"unknown theme(s) {', '.join(unknown)}; {_theme_hint(unknown, universe)}"
            )
        return caps

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        for problem in _contradictions(self):
            raise ValueError(problem)
        return self

    @property
    def limits(self) -> tuple[LimitKind, ...]:
        """Return the limits this policy sets, in `LimitKind` order."""
        return tuple(kind for kind in LimitKind if _is_set(self, kind))

    def response(self, kind: LimitKind) -> TradingState:
        """Return the state a tripped `kind` moves the book to."""
        rule = self.on_breach.get(kind)
        return rule.state if rule and rule.state else DEFAULT_RESPONSE[kind]

    def persistence_of(self, kind: LimitKind) -> int:
        """Return how many consecutive breached checks trip `kind`."""
        rule = self.on_breach.get(kind)
        return rule.persistence if rule and rule.persistence else self.persistence

    def latched(self, kind: LimitKind) -> bool:
        """Return whether `kind`, once tripped, holds until reset (else it clears when met)."""
        rule = self.on_breach.get(kind)
        if rule is not None and rule.latch is not None:
            return rule.latch
        return kind in DEFAULT_LATCHED


def parse_policy(
    document: Mapping[str, object], *, universe: Universe | None = None, source: str = ""
) -> RiskPolicy:
    """Build a policy from a mapping (parsed TOML or JSON); raise `RiskPolicyError` if bad.

    Themes are checked against `universe` (the packaged one when None).
    """
    context = {"universe": universe} if universe is not None else None
    try:
        return RiskPolicy.model_validate(document, context=context)
    except pydantic.ValidationError as error:
        raise RiskPolicyError.from_pydantic(error, source) from None


def load_policy(path: Path, *, universe: Universe | None = None) -> RiskPolicy:
    """Read a policy from a TOML file; raise `RiskPolicyError` naming the file and field."""
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise RiskPolicyError(f"{path}: cannot read the policy: {error}") from error
    return parse_policy(document, universe=universe, source=str(path))


def default_policy() -> RiskPolicy:
    """Return the policy shipped with Tetra (``tetra/risk/default_policy.toml``)."""
    text = resources.files("tetra.risk").joinpath(DEFAULT_POLICY).read_text(encoding="utf-8")
    return parse_policy(tomllib.loads(text), source=f"tetra.risk/{DEFAULT_POLICY}")


@cache
def packaged_universe() -> Universe:
    """Return the universe shipped with Tetra (read once)."""
    return load_universe()


def _is_set(policy: RiskPolicy, kind: LimitKind) -> bool:
    setting = {
        LimitKind.POSITION_WEIGHT: policy.max_position_weight,
        LimitKind.GROUP_EXPOSURE: policy.group_caps or None,
        LimitKind.THEME_EXPOSURE: policy.theme_caps or None,
        LimitKind.ASSET_CLASS_EXPOSURE: policy.asset_class_caps or None,
        LimitKind.GROSS_LEVERAGE: policy.max_gross_leverage,
        LimitKind.NET_LEVERAGE: policy.max_net_leverage,
        LimitKind.CORRELATED_WEIGHT: policy.correlation,
        LimitKind.DAILY_LOSS: policy.daily_loss_limit,
        LimitKind.DRAWDOWN: policy.max_drawdown,
    }[kind]
    return setting is not None


def _contradictions(policy: RiskPolicy) -> list[str]:
    problems: list[str] = []
    gross, net = policy.max_gross_leverage, policy.max_net_leverage
    if gross is not None and net is not None and net > gross:
        problems.append(
            f"max_net_leverage: {net} exceeds max_gross_leverage {gross}; "
            "net exposure can never exceed gross"
        )
    weight, correlated = policy.max_position_weight, policy.correlation
    if weight is not None and correlated is not None and correlated.cap < weight:
        problems.append(
            f"correlation.cap: {correlated.cap} is below max_position_weight {weight}; "
            "a holding counts toward its own correlated set, so that weight is unreachable"
        )
    daily, drawdown = policy.daily_loss_limit, policy.max_drawdown
    if daily is not None and drawdown is not None and daily > drawdown:
        problems.append(
            f"daily_loss_limit: {daily} exceeds max_drawdown {drawdown}; "
            "the drawdown breaker always trips first, so the daily limit could never act"
        )
    problems.extend(
        f"on_breach.{kind}: the policy sets no {kind} limit"
        for kind in policy.on_breach
        if not _is_set(policy, kind)
    )
    return problems


def _theme_hint(unknown: list[str], universe: Universe) -> str:
    close = difflib.get_close_matches(unknown[0], universe.themes, n=3)
    if close:
        return f"did you mean {', '.join(close)}?"
    return "`tetra universe` lists the themes"


def _problem_line(problem: Mapping[str, Any]) -> tuple[str, str]:
    """Return (field, message) of one pydantic problem; model-level ones name their field."""
    field = ".".join(str(part) for part in problem["loc"])
    message = str(problem["msg"]).removeprefix("Value error, ")
    named = re.match(r"([a-z_]+): ", message)
    if not field:  # a cross-field check: its message starts with "field: "
        field, _, message = message.partition(": ")
    elif named and problem["type"] == "value_error":  # a nested model's cross-field check
        field, message = f"{field}.{named[1]}", message[named.end() :]
    return field, message
