"""What a pipeline run will do: its mode, window, steps, symbols and series."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from tetra.data.calendars import sessions
from tetra.data.sources import Window

REVISED_SESSIONS = 5  # vendors revise recent bars: daily runs refetch this many sessions


class Mode(StrEnum):
    DAILY = "daily"
    BACKFILL = "backfill"


class Step(StrEnum):
    """The pipeline's steps, named as users of the old scripts know them."""

    MARKET_DATA = "market_data"
    ECONOMIC_DATA = "economic_data"
    NEWS_SENTIMENT = "news_sentiment"
    EVENT_DATA = "event_data"
    CRYPTO = "crypto"
    GEOPOLITICAL = "geopolitical"
    SOCIAL = "social_sentiment"
    CRYPTO_UNIVERSE = "crypto_universe"
    DATA_QUALITY = "data_quality"


class StepStatus(StrEnum):
    """How one step ended. `NOT_RUN`: the step had no source or nothing to fetch.

    Symbols a step did not fetch because their watermark already covers the window are not
    a status: a step counts them in `StepResult.covered` and still succeeds.
    """

    SUCCESS = "success"
    PARTIAL = "partial"
    FAILED = "failed"
    NOT_RUN = "not_run"


class RunStatus(StrEnum):
    """How a run stands in ``ops.ingest_runs``.

    `ABANDONED`: the process that owned a `RUNNING` run is gone (killed, crashed, power cut);
    the next run or the server's start-up marks it so, with when and why.
    """

    RUNNING = "running"
    SUCCESS = "success"
    PARTIAL = "partial"
    FAILED = "failed"
    ABANDONED = "abandoned"


@dataclass(frozen=True, slots=True)
class RunPlan:
    """A run's scope. `force` refetches symbols whose watermark already covers the window."""

    mode: Mode
    window: Window
    steps: tuple[Step, ...]
    equities: tuple[str, ...] = ()
    crypto: tuple[str, ...] = ()
    series: tuple[str, ...] = ()
    calendars: dict[str, str] = field(default_factory=dict)
    fill_gaps: bool = False
    force: bool = False

    @property
    def symbols(self) -> tuple[str, ...]:
        return (*self.equities, *self.crypto)


def daily_window(today: dt.date, revised: int = REVISED_SESSIONS) -> Window:
    """Return today plus the last `revised` exchange sessions before it."""
    recent = sessions(today - dt.timedelta(days=revised * 2 + 10), today)
    earlier = [day for day in recent if day < today]
    start = earlier[-revised] if len(earlier) >= revised else recent[0]
    return Window(dt.date.fromisoformat(str(start)), today)


def backfill_window(
    today: dt.date,
    *,
    days: int | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> Window:
    """Return the window of a backfill: explicit dates, or the last `days` days to today."""
    if start is not None:
        return Window(start, end or today)
    if days is None or days < 1:
        raise ValueError("a backfill needs --days N or --start-date (and optionally --end-date)")
    last = end or today
    return Window(last - dt.timedelta(days=days - 1), last)


def select_steps(skip: Sequence[str] = (), only: Sequence[str] = ()) -> tuple[Step, ...]:
    """Return the steps to run in order; unknown names raise ValueError listing valid ones."""
    valid = {s.value for s in Step}
    unknown = sorted((set(skip) | set(only)) - valid)
    if unknown:
        raise ValueError(f"unknown steps {unknown}; valid: {', '.join(s.value for s in Step)}")
    chosen = [s for s in Step if (not only or s.value in only) and s.value not in skip]
    return tuple(chosen)
