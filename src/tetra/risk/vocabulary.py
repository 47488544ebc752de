"""The risk layer's shared words: the limits a policy can set and the book's trading states.

Both enums carry a stable integer `code` (their position), which is how the numba kernels and
`PolicyArrays` index them; the string values are what TOML, JSON and the API use.
"""

from __future__ import annotations

from enum import StrEnum


class LimitKind(StrEnum):
    """A portfolio limit a `RiskPolicy` may set; `code` indexes the per-limit arrays."""

    POSITION_WEIGHT = "position_weight"
    GROUP_EXPOSURE = "group_exposure"
    THEME_EXPOSURE = "theme_exposure"
    ASSET_CLASS_EXPOSURE = "asset_class_exposure"
    GROSS_LEVERAGE = "gross_leverage"
    NET_LEVERAGE = "net_leverage"
    CORRELATED_WEIGHT = "correlated_weight"
    DAILY_LOSS = "daily_loss"
    DRAWDOWN = "drawdown"

    @property
    def code(self) -> int:
        """Return this limit's index in `LIMIT_KINDS` (and in every per-limit array)."""
        return LIMIT_KINDS.index(self)

    @property
    def bucketed(self) -> bool:
        """Whether this limit caps the summed exposure of a set of symbols (group, theme, class)."""
        return self in _BUCKETED


class TradingState(StrEnum):
    """What a book may do, from least to most restrictive.

    - ``active``: any order passes the state check (the other checks still apply);
    - ``reducing``: only orders that shrink exposure, and cancels;
    - ``halted``: nothing but cancels. Working orders that reduce exposure (protective stops,
      exits placed while reducing) keep working: a halt never blocks exits.
    """

    ACTIVE = "active"
    REDUCING = "reducing"
    HALTED = "halted"

    @property
    def code(self) -> int:
        """Return 0, 1 or 2: the kernels' encoding, ordered by severity."""
        return TRADING_STATES.index(self)

    @classmethod
    def of_code(cls, code: int) -> TradingState:
        """Return the state whose `code` is `code`."""
        return TRADING_STATES[code]

    def at_least(self, other: TradingState) -> TradingState:
        """Return the more restrictive of this state and `other`."""
        return self if self.code >= other.code else other


LIMIT_KINDS: tuple[LimitKind, ...] = tuple(LimitKind)
TRADING_STATES: tuple[TradingState, ...] = tuple(TradingState)
_BUCKETED = frozenset(
    {LimitKind.GROUP_EXPOSURE, LimitKind.THEME_EXPOSURE, LimitKind.ASSET_CLASS_EXPOSURE}
)

ACTIVE, REDUCING, HALTED = (state.code for state in TRADING_STATES)
