"""The risk side of `tetra backtest run`, `sweep` and `walk-forward`: exits from the command
line, a policy, a sizing, the policy's journal.

Exit levels read ``5%``, ``0.05`` (fractions of the entry price) or ``2.5atr`` (multiples
of the ATR); `--risk-policy` takes a TOML file or ``default`` (the packaged policy);
`--sizing` takes ``method`` or ``method:key=value,...`` (`tetra.risk.sizing_policy`).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import typer
from rich.table import Table

from tetra.backtest.options import RunRisk
from tetra.cli.common import console
from tetra.risk.policy import RiskPolicy, default_policy, load_policy
from tetra.risk.sizing_policy import SizingPolicy, parse_sizing_option
from tetra.simulation.exits import Exits

STOP_LOSS = typer.Option(None, help="Stop loss: 5%, 0.05 or 2atr below (above, short) entry.")
TAKE_PROFIT = typer.Option(None, help="Take profit: 10%, 0.10 or 3atr from the entry.")
TRAILING_STOP = typer.Option(None, help="Trailing stop: 8%, 0.08 or 3atr from the best price.")
TIME_EXIT = typer.Option(None, min=1, help="Exit at the open after this many bars.")
ATR_WINDOW = typer.Option(14, min=1, help="Bars of the ATR behind `atr` levels.")
BOTH_TOUCHED = typer.Option("stop", help="A bar touching stop and target fills: stop or target.")
RISK_POLICY = typer.Option(
    None, help="Run under a risk policy: a TOML file, or 'default' for the packaged one."
)
SIZING = typer.Option(
    None,
    help=(
        "Size every entry by a policy: METHOD or METHOD:key=value,... Methods (settings): "
        "equal_weight (gross), fixed_fractional (fraction), fixed_risk (risk; needs a "
        "--stop-loss or bracket stop), volatility_target (target), inverse_volatility (gross), "
        "risk_parity (gross), kelly (fraction, cap); any method also takes book_volatility, "
        "max_weight, max_gross, lookback. E.g. volatility_target:target=0.1,max_weight=0.25. "
        "Overrides a --risk-policy file's [sizing] table."
    ),
)
SHOWN = 10


def options_of(
    stop_loss: str | None,
    take_profit: str | None,
    trailing_stop: str | None,
    time_exit: int | None,
    atr_window: int,
    both_touched: str,
    risk_policy: str | None,
    sizing: str | None,
) -> RunRisk:
    """Return the command's exits, policy and sizing from its options; ValueError if bad."""
    exits = exits_of(stop_loss, take_profit, trailing_stop, time_exit, atr_window, both_touched)
    return RunRisk(exits, policy_of(risk_policy), sizing_of(sizing))


def exits_of(
    stop_loss: str | None,
    take_profit: str | None,
    trailing_stop: str | None,
    time_exit: int | None,
    atr_window: int,
    both_touched: str,
) -> Exits | None:
    """Return the run's exits from the options, None when none is set; ValueError if bad."""
    if both_touched not in ("stop", "target"):
        raise ValueError(f"--both-touched must be stop or target, not {both_touched!r}")
    legs = {"stop_loss": stop_loss, "take_profit": take_profit, "trailing_stop": trailing_stop}
    chosen: dict[str, float] = {}
    for name, text in legs.items():
        if text is not None:
            key, value = _level(name, text)
            chosen[key] = value
    if not chosen and time_exit is None:
        return None
    return Exits(time_exit=time_exit, atr_window=atr_window, both_touched=both_touched, **chosen)  # type: ignore[arg-type]


def _level(name: str, text: str) -> tuple[str, float]:
    cleaned = text.strip().lower()
    try:
        if cleaned.endswith("atr"):
            return f"{name}_atr", float(cleaned[:-3])
        if cleaned.endswith("%"):
            return name, float(cleaned[:-1]) / 100.0
        return name, float(cleaned)
    except ValueError:
        option = "--" + name.replace("_", "-")
        raise ValueError(f"{option} {text!r} is not 5%, 0.05 or 2atr") from None


def policy_of(choice: str | None) -> RiskPolicy | None:
    """Return the policy `--risk-policy` names (RiskPolicyError, a ValueError, if bad)."""
    if choice is None:
        return None
    if choice == "default":
        return default_policy()
    return load_policy(Path(choice))


def sizing_of(choice: str | None) -> SizingPolicy | None:
    """Return the policy `--sizing` names (SizingPolicyError, a ValueError, if bad)."""
    return None if choice is None else parse_sizing_option(choice)


def print_interventions(frame: pd.DataFrame) -> None:
    """Print how often the risk policy stepped in, by action and cause, then the last rows."""
    if frame.empty:
        console.print("risk policy: no interventions")
        return
    counts = frame.groupby(["action", "code"]).size().reset_index(name="count")
    summary = Table(title=f"Risk interventions ({len(frame)})")
    for column in ("action", "cause", "count"):
        summary.add_column(column, justify="right" if column == "count" else "left")
    for action, code, count in counts.itertuples(index=False):
        summary.add_row(str(action), str(code), str(count))
    console.print(summary)
    last = Table(title=f"Last {min(SHOWN, len(frame))} interventions")
    for column in ("date", "state", "reason"):
        last.add_column(column)
    for row in frame.tail(SHOWN).itertuples(index=False):
        last.add_row(str(row.ts)[:10], str(row.state), str(row.reason))
    console.print(last)
