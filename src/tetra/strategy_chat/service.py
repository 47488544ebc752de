"""A strategy conversation: each turn is idea -> spec -> validation -> evidence -> reply.

`StrategyChat.turn` proposes a spec (offline parser or model, `proposers.py`), resolves its
universe group against the store (`MarketSource.members`) and reads its risk policy, shows it in
plain words and as a diff against the previous version, gathers the evidence
(`evidence.py`) on the market the spec names, and writes the reply from the numbers only
(a template, never a model: results stay on this machine). Every turn is a new version of
the conversation; nothing here saves or approves anything (see `approvals.py`).
Conversations are kept in memory by the process that serves them.

The stress table (every shipped scenario) is the slowest piece and not needed for the first
result, so a turn returns without it: it is computed on one background thread and fetched
with `StrategyChat.stress`, which waits for it; the version's `evidence.stress` is filled
when it is done.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import secrets
import threading
from collections.abc import Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import pandas as pd

from tetra.core.errors import TetraError, ValidationError
from tetra.data.ports import Query, Store
from tetra.market import MarketData, load_market
from tetra.risk.policy import RiskPolicy, RiskPolicyError
from tetra.strategy.spec import (
    SpecInputs,
    SpecRejected,
    StrategySpec,
    compile_spec,
    describe_spec,
    spec_diff,
    spec_hash,
)
from tetra.strategy.spec.compile import resolve_universe
from tetra.strategy_chat.evidence import (
    CASH,
    Evidence,
    costs_of,
    gather_evidence,
    policy_loader,
    policy_of,
)
from tetra.strategy_chat.proposers import ProposalFailed, ProposerRouter, ProviderChoice

__all__ = [
    "MarketSource",
    "StoreMarketSource",
    "StrategyChat",
    "StressTable",
    "TurnFailed",
    "Version",
]

BARS_PER_YEAR = 252
_FAR_PAST, _FAR_FUTURE = dt.date(1900, 1, 1), dt.date(2200, 1, 1)


class TurnFailed(TetraError):
    """A turn produced no version; `reasons` says why (the parser's shapes, rejections)."""

    def __init__(self, message: str, reasons: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.reasons = list(reasons)


class MarketSource(Protocol):
    """Where a spec's bars and extra inputs come from (a store, or a test's frames)."""

    def market(self, symbols: Sequence[str], years: int) -> MarketData: ...

    def inputs(self, spec: StrategySpec) -> tuple[SpecInputs, list[str]]: ...

    def members(self) -> Mapping[str, Sequence[str]]:
        """Return every universe group and theme the source knows, with its symbols."""
        ...

    def stress(self, spec: StrategySpec, inputs: SpecInputs) -> tuple[list[dict[str, Any]], str]:
        """Return the stress table (one row per scenario) and why it is empty, if it is."""
        ...


@dataclass(frozen=True)
class Version:
    number: int
    idea: str
    spec: StrategySpec
    spec_hash: str
    words: list[str]
    diff: list[str]
    evidence: Evidence
    results_digest: str
    provider: str
    model: str
    notes: list[str]
    reply: str
    policy: RiskPolicy | None = None  # the risk policy the evidence ran under (`policy_of`)


@dataclass(frozen=True)
class StressTable:
    """A version's stress table: one row per scenario, or none and `missing` says why."""

    rows: list[dict[str, Any]]
    missing: str = ""


@dataclass
class Conversation:
    id: str
    versions: list[Version] = field(default_factory=list)
    stress: dict[int, Future[StressTable]] = field(default_factory=dict)  # by version number


class StrategyChat:
    """Strategy conversations over a proposer router and a market source."""

    def __init__(
        self, router: ProposerRouter, source: MarketSource, policy_dir: Path | None = None
    ) -> None:
        """`policy_dir` holds the risk policies a spec may name (``<name>.toml``)."""
        self.router, self.source = router, source
        self._load_policy = policy_loader(policy_dir)
        self._conversations: dict[str, Conversation] = {}
        self._lock = threading.Lock()
        self._stress_worker = ThreadPoolExecutor(1, thread_name_prefix="strategy-stress")

    def close(self) -> None:
        """Stop the stress worker once the tables already asked for are done."""
        self._stress_worker.shutdown(wait=True, cancel_futures=False)

    def conversation(self, conversation_id: str) -> Conversation | None:
        with self._lock:
            return self._conversations.get(conversation_id)

    def turn(
        self, idea: str, conversation_id: str | None = None, provider: ProviderChoice = "auto"
    ) -> tuple[Conversation, Version]:
        """Run one turn; raise `TurnFailed` (the conversation is unchanged) when it cannot."""
        conversation = self._open(conversation_id)
        previous = conversation.versions[-1].spec if conversation.versions else None
        try:
            proposal = self.router.propose(idea, previous, provider)
        except ProposalFailed as failure:
            raise TurnFailed(str(failure), failure.reasons) from failure
        spec, policy = self._resolved(proposal.spec)
        try:
            market = self.source.market(spec.referenced_symbols(), spec.years)
        except ValidationError as error:
            raise TurnFailed(f"no data for this spec: {error}") from error
        inputs, input_notes = self.source.inputs(spec)
        evidence = gather_evidence(spec, market, inputs, policy)
        evidence.caveats.extend(input_notes)
        version = Version(
            number=len(conversation.versions) + 1,
            idea=idea,
            spec=spec,
            spec_hash=spec_hash(spec),
            words=describe_spec(spec),
            diff=spec_diff(previous, spec),
            evidence=evidence,
            results_digest=evidence.digest(spec),
            provider=proposal.provider.value,
            model=proposal.model,
            notes=proposal.notes,
            reply=explain(spec, evidence),
            policy=policy,
        )
        table = self._stress_worker.submit(self._stress_table, spec, inputs, evidence)
        with self._lock:
            conversation.versions.append(version)
            conversation.stress[version.number] = table
        return conversation, version

    def _resolved(self, spec: StrategySpec) -> tuple[StrategySpec, RiskPolicy | None]:
        """Return the spec trading its universe group's members, and its risk policy."""
        try:
            if spec.universe is not None:
                spec = resolve_universe(spec, self.source.members())
            return spec, policy_of(spec, self._load_policy)
        except SpecRejected as rejected:
            raise TurnFailed(str(rejected), rejected.reasons) from rejected
        except RiskPolicyError as refused:
            raise TurnFailed(str(refused), [str(refused)]) from refused

    def stress(
        self, conversation_id: str, number: int, timeout: float | None = None
    ) -> StressTable:
        """Return version `number`'s stress table, waiting up to `timeout` seconds for it;
        raise `TurnFailed` for an unknown version, `TimeoutError` when it is not done."""
        with self._lock:
            found = self._conversations.get(conversation_id)
            table = None if found is None else found.stress.get(number)
        if table is None:
            raise TurnFailed(f"no version {number} in conversation {conversation_id!r}")
        return table.result(timeout)

    def _stress_table(
        self, spec: StrategySpec, inputs: SpecInputs, evidence: Evidence
    ) -> StressTable:
        try:
            rows, missing = self.source.stress(spec, inputs)
        except Exception as error:  # a background table must report any failure, not vanish
            rows, missing = [], f"the stress run failed: {error}"
        evidence.stress = rows  # one rebinding: readers see no table or the whole table
        return StressTable(rows, missing)

    def _open(self, conversation_id: str | None) -> Conversation:
        with self._lock:
            if conversation_id is None:
                conversation = Conversation(secrets.token_hex(8))
                self._conversations[conversation.id] = conversation
                return conversation
            found = self._conversations.get(conversation_id)
        if found is None:
            raise TurnFailed(f"no conversation {conversation_id!r}")
        return found


def _pct(value: float | None) -> str:
    return "n/a" if value is None or not math.isfinite(value) else f"{value:.1%}"


def _num(value: float | None) -> str:
    return "n/a" if value is None or not math.isfinite(value) else f"{value:.2f}"


def explain(spec: StrategySpec, evidence: Evidence) -> str:
    """Write the reply from the numbers: what was tested, what came out, what to doubt."""
    m, wf, mc = evidence.metrics, evidence.walk_forward, evidence.monte_carlo
    lines = [
        f"Backtest {evidence.first_day} to {evidence.last_day} with costs: total return "
        f"{_pct(m.get('total_return'))}, Sharpe {_num(m.get('sharpe_ratio'))}, max drawdown "
        f"{_pct(m.get('max_drawdown'))}, {evidence.trades} trades.",
    ]
    if wf.get("folds"):
        lines.append(
            f"Walk-forward over {wf['folds']} folds (choosing among {len(evidence.candidates)} "
            f"variants in-sample): out-of-sample Sharpe {_num(wf.get('sharpe_ratio'))} vs "
            f"{_num(wf.get('in_sample_sharpe'))} in-sample."
        )
    dsr = evidence.deflated_sharpe
    if dsr:
        lines.append(f"Deflated Sharpe probability {_pct(dsr.get('probability'))}.")
    if mc:
        lines.append(
            f"Bootstrap of daily returns ({int(mc['paths'])} paths): median total return "
            f"{_pct(mc['total_return_p50'])}, 5th percentile {_pct(mc['total_return_p5'])}, "
            f"probability of a loss {_pct(mc['probability_of_loss'])}."
        )
    if evidence.caveats:
        lines.append("Caveats: " + "; ".join(evidence.caveats) + ".")
    else:
        lines.append("No caveat fired; past results still do not promise future ones.")
    return "\n".join(lines)


class StoreMarketSource:
    """Bars, economic series and event dates from a store (sample or live)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def market(self, symbols: Sequence[str], years: int) -> MarketData:
        full = load_market(self.store, list(symbols), _FAR_PAST, _FAR_FUTURE)
        rows = full.shape[0]
        return full.window(max(0, rows - years * BARS_PER_YEAR), rows)

    def inputs(self, spec: StrategySpec) -> tuple[SpecInputs, list[str]]:
        macro: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        notes = []
        wanted = {rule.series.value for rule in spec.conditions() if rule.kind == "macro"}
        for series in sorted(wanted):
            frame = self._read("economic_data.indicators", {"series_id": series})
            if frame.empty:
                notes.append(f"{series} is not in the store: its filter never lets an entry pass")
                continue
            first = frame.sort_values("realtime_start").drop_duplicates("date")
            known = np.maximum(
                first["date"].to_numpy("datetime64[D]"),
                first["realtime_start"].to_numpy("datetime64[D]"),
            )
            macro[series] = (known, first["value"].to_numpy(dtype=float))
        events, event_notes = self._events(spec)
        return SpecInputs(macro=macro, events=events), notes + event_notes

    def members(self) -> dict[str, list[str]]:
        """Every universe group and theme of the store's symbols (market_data.symbols)."""
        frame = self._read("market_data.symbols", {})
        found: dict[str, list[str]] = {}
        for symbol, group, themes in zip(
            frame["symbol"], frame["universe_group"], frame["themes"], strict=True
        ):
            tags: list[str] = json.loads(themes) if isinstance(themes, str) else list(themes or [])
            for name in (str(group), *tags):
                found.setdefault(name, []).append(str(symbol))
        return found

    def stress(self, spec: StrategySpec, inputs: SpecInputs) -> tuple[list[dict[str, Any]], str]:
        """Every shipped scenario applied to the spec's strategy (replay where the store holds
        the window, else a factor shock); the table is left out, with the reason, when the
        store cannot serve it."""
        from tetra.backtest.research.strategy_stress import stress_strategy
        from tetra.simulation.inputs import store_span
        from tetra.simulation.scenarios.catalog import shipped_scenarios

        symbols = list(spec.referenced_symbols())
        try:
            _, as_of = store_span(self.store, symbols)
            outcomes = stress_strategy(
                self.store, compile_spec(spec, inputs), symbols,
                list(shipped_scenarios().values()), as_of=as_of, cash=CASH,
                costs=costs_of(spec),
            )  # fmt: skip
        except (ValidationError, ValueError, KeyError) as error:
            return [], str(error)
        return [
            {
                "scenario": o.scenario.title,
                "method": o.method,
                "return": o.portfolio_return,
                "max_drawdown": o.max_drawdown,
            }
            for o in outcomes
        ], ""

    def _events(self, spec: StrategySpec) -> tuple[dict[str, dict[str, list[dt.date]]], list[str]]:
        kinds = {rule.events for rule in spec.conditions() if rule.kind == "avoid_events"}
        events: dict[str, dict[str, list[dt.date]]] = {}
        notes = []
        if "earnings" in kinds:
            frame = self._read("events.earnings", {"symbol": list(spec.symbols)})
            events["earnings"] = {
                str(s): [d for d in pd.to_datetime(g["report_date"]).dt.date]
                for s, g in frame.groupby("symbol")
            }
        if "fomc" in kinds:
            frame = self._read("events.economic_events", {})
            fomc = (
                frame[frame["event"].str.contains("FOMC", case=False)] if not frame.empty else frame
            )
            events["fomc"] = (
                {"*": list(pd.to_datetime(fomc["ts"]).dt.date)} if not fomc.empty else {}
            )
        for kind in sorted(kinds):
            if not any(events.get(kind, {}).values()):
                notes.append(f"no {kind} dates in the store: the event filter blocks nothing")
        return events, notes

    def _read(self, table: str, where: dict[str, object]) -> pd.DataFrame:
        return self.store.read(Query(table, where=where))  # type: ignore[arg-type]
