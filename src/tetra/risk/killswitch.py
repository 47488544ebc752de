"""Kill switches, global and per book, kept in the store so they survive a restart.

`KillSwitchBoard` reads ``risk.kill_switches`` when built and writes every change there
(the current switch per scope) and to ``risk.events`` (the journal) before reporting it,
so a crash right after `engage` still finds the switch engaged on the next start. Scope
``"*"`` halts every book; any other scope is a book id. The board publishes every switch
as the gauge `tetra_kill_switch_engaged` when built and after each change.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

import pandas as pd

from tetra.core.clock import Clock
from tetra.core.telemetry import telemetry
from tetra.data.ports import Query, Store

GLOBAL_SCOPE = "*"
SWITCHES = "risk.kill_switches"
EVENTS = "risk.events"
_SCOPE_LIMIT = 128


@dataclass(frozen=True, slots=True)
class KillSwitch:
    """A scope's switch: engaged or not, why, by whom and when."""

    scope: str
    engaged: bool
    reason: str
    changed_by: str
    changed_at: dt.datetime


class KillSwitchBoard:
    """The kill switches of every scope, backed by a store (see the module docstring)."""

    def __init__(self, store: Store, clock: Clock) -> None:
        self._store = store
        self._clock = clock
        self._switches = {switch.scope: switch for switch in _read(store)}
        self.version = 0  # grows with every change, so callers can cache what they derive
        self.publish()

    def publish(self) -> None:
        """Set `tetra_kill_switch_engaged` of every scope ever set (1 engaged, 0 released)."""
        for switch in self._switches.values():
            telemetry().set(
                "tetra_kill_switch_engaged", {"scope": switch.scope}, float(switch.engaged)
            )

    def get(self, scope: str) -> KillSwitch | None:
        """Return the switch of `scope`, or None if it was never set."""
        return self._switches.get(scope)

    def all(self) -> list[KillSwitch]:
        """Return every switch ever set, global first, then by scope."""
        return sorted(self._switches.values(), key=lambda s: (s.scope != GLOBAL_SCOPE, s.scope))

    def engaged(self, scope: str) -> bool:
        """Whether `scope`'s own switch is engaged (the global one is scope ``"*"``)."""
        switch = self._switches.get(scope)
        return switch is not None and switch.engaged

    def halts(self, book: str) -> bool:
        """Whether `book` is halted by its own switch or the global one."""
        return self.engaged(GLOBAL_SCOPE) or self.engaged(book)

    def set(self, scope: str, engaged: bool, reason: str, changed_by: str) -> KillSwitch:
        """Engage or release `scope`'s switch; stored before it is returned."""
        switch = KillSwitch(
            _valid_scope(scope),
            engaged,
            _required(reason, "reason"),
            _required(changed_by, "changed_by"),
            self._clock.now(),
        )
        previous = self._switches.get(switch.scope)
        self._store.upsert(SWITCHES, pd.DataFrame([_switch_row(switch)]))
        self._store.upsert(EVENTS, pd.DataFrame([_event_row(switch, previous)]))
        self._switches[switch.scope] = switch
        self.version += 1
        self.publish()
        return switch


def _read(store: Store) -> list[KillSwitch]:
    frame = store.read(Query(SWITCHES))
    return [
        KillSwitch(
            str(row.scope),
            bool(row.engaged),
            str(row.reason),
            str(row.changed_by),
            _instant(row.changed_at),
        )
        for row in frame.itertuples(index=False)
    ]


def _switch_row(switch: KillSwitch) -> dict[str, object]:
    return {
        "scope": switch.scope,
        "engaged": switch.engaged,
        "reason": switch.reason,
        "changed_by": switch.changed_by,
        "changed_at": switch.changed_at,
        "source": "tetra",
    }


def _event_row(switch: KillSwitch, previous: KillSwitch | None) -> dict[str, object]:
    was = "halted" if previous is not None and previous.engaged else "active"
    now = "halted" if switch.engaged else "active"
    verb = "engaged" if switch.engaged else "released"
    key = f"{switch.scope}|{switch.changed_at.isoformat()}|{verb}|{switch.reason}"
    return {
        "event_id": "kill-" + hashlib.sha256(key.encode()).hexdigest()[:24],
        "book": switch.scope,
        "at": switch.changed_at,
        "kind": "kill_switch",
        "previous_state": was,
        "current_state": now,
        "code": f"kill_switch_{verb}",
        "reason": f"kill switch {verb} by {switch.changed_by}: {switch.reason}",
        "source": "tetra",
    }


def _valid_scope(scope: str) -> str:
    cleaned = scope.strip()
    if not cleaned or len(cleaned) > _SCOPE_LIMIT or any(c.isspace() for c in cleaned):
        raise ValueError(f"scope {scope!r} must be '*' or a book id without spaces")
    return cleaned


def _required(text: str, name: str) -> str:
    if not text.strip():
        raise ValueError(f"a kill switch change needs a {name}")
    return text.strip()


def _instant(value: object) -> dt.datetime:
    stamp = pd.Timestamp(str(value)) if not isinstance(value, dt.datetime) else pd.Timestamp(value)
    return (
        stamp.tz_localize("UTC").to_pydatetime() if stamp.tzinfo is None else stamp.to_pydatetime()
    )
