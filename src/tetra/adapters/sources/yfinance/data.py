"""`YFinanceSource`: raw daily bars, splits and dividends from Yahoo Finance via yfinance.

yfinance is synchronous, so each download runs in a worker thread. It does not raise for an
unknown ticker or a dead network: it logs the failure and returns an empty frame (or all-NaN
columns for that ticker). The adapter turns that into `EmptyResponse`, and a rate limit (raised
as `YFRateLimitError`, or only logged by yfinance's own download) into `QuotaExhausted`.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import pandas as pd
import yfinance
from yfinance.exceptions import YFRateLimitError

from tetra.adapters.sources.yfinance.config import SOURCE, YFinanceConfig
from tetra.adapters.sources.yfinance.parsing import parse_actions, parse_bars, ticker_history
from tetra.core.errors import EmptyResponse, QuotaExhausted, SourceUnavailable
from tetra.data.sources import Fetched, Window

log = logging.getLogger(__name__)

Download = Callable[..., pd.DataFrame]
_RATE_LIMITED = ("YFRateLimitError", "Rate limited", "Too Many Requests")


def utc_today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


class YFinanceSource:
    """Yahoo Finance as a `BarSource` and a `CorporateActionSource` (source name ``yfinance``).

    Inject `download` (defaults to `yfinance.download`) to replay recorded frames, and
    `today` to pin the date the download reaches (needed to undo Yahoo's split adjustment,
    see `tetra.adapters.sources.yfinance.parsing`).
    """

    name = SOURCE

    def __init__(
        self,
        config: YFinanceConfig | None = None,
        *,
        download: Download = yfinance.download,
        today: Callable[[], dt.date] = utc_today,
    ) -> None:
        self.config = config or YFinanceConfig()
        self._download = download
        self._today = today

    async def bars(self, symbol: str, window: Window, interval: str = "1d") -> Fetched:
        """Return raw daily bars of `symbol` in `window`."""
        _check_interval(interval)
        history = await self._history([symbol], window)
        rows, unparsed = parse_bars(history[symbol], symbol, window)
        return Fetched("market_data.ohlcv", rows, tuple(unparsed))

    async def corporate_actions(self, symbol: str, window: Window) -> Fetched:
        """Return the splits and dividends of `symbol` with ex-dates in `window`."""
        history = await self._history([symbol], window)
        rows, unparsed = parse_actions(history[symbol], symbol, window)
        return Fetched("market_data.corporate_actions", rows, tuple(unparsed))

    async def bars_many(self, symbols: Sequence[str], window: Window) -> dict[str, Fetched]:
        """Return raw daily bars of several symbols from one download.

        Symbols Yahoo returned nothing for are left out of the answer (and logged); if none
        has data, `EmptyResponse` is raised.
        """
        return {s: pair[0] for s, pair in (await self.history_many(symbols, window)).items()}

    async def history_many(
        self, symbols: Sequence[str], window: Window
    ) -> dict[str, tuple[Fetched, Fetched]]:
        """Return (bars, corporate actions) per symbol from one download of all of them."""
        histories = await self._history(list(symbols), window, partial=True)
        answer: dict[str, tuple[Fetched, Fetched]] = {}
        for symbol, history in histories.items():
            bars, bad_bars = parse_bars(history, symbol, window)
            actions, bad_actions = parse_actions(history, symbol, window)
            answer[symbol] = (
                Fetched("market_data.ohlcv", bars, tuple(bad_bars)),
                Fetched("market_data.corporate_actions", actions, tuple(bad_actions)),
            )
        return answer

    async def _history(
        self, symbols: list[str], window: Window, *, partial: bool = False
    ) -> dict[str, pd.DataFrame]:
        """Download `symbols` and split the frame per symbol; raise if data is missing."""
        if not symbols:
            return {}
        tickers = {symbol: self.config.vendor_symbol(symbol) for symbol in symbols}
        frame, errors = await asyncio.to_thread(self._fetch, list(tickers.values()), window)
        histories = {s: ticker_history(frame, t) for s, t in tickers.items()}
        missing = [s for s, history in histories.items() if history.empty]
        if missing and (not partial or len(missing) == len(symbols)):
            raise _no_data_error(missing, errors)
        for symbol in missing:
            log.warning("%s: no data for %s", SOURCE, symbol)
            del histories[symbol]
        return histories

    def _fetch(self, tickers: list[str], window: Window) -> tuple[pd.DataFrame, list[str]]:
        """Call yfinance (in a worker thread); return its frame and the errors it logged."""
        with _logged_errors() as errors, warnings.catch_warnings():
            # yfinance calls pandas APIs that pandas 3 deprecates: its warnings, not ours.
            warnings.simplefilter("ignore", DeprecationWarning)
            warnings.simplefilter("ignore", FutureWarning)
            try:
                frame = self._download(tickers, **self._download_options(window))
            except YFRateLimitError as error:
                raise QuotaExhausted(SOURCE, f"Yahoo rate limit: {error}") from error
            except Exception as error:  # yfinance wraps requests/curl errors inconsistently
                raise SourceUnavailable(SOURCE, f"{type(error).__name__}: {error}") from error
        return (frame if frame is not None else pd.DataFrame()), errors

    def _download_options(self, window: Window) -> dict[str, Any]:
        # Reach today, not just the window's end: Yahoo adjusts for every later split, and
        # the split rows of the frame are what lets parsing undo that adjustment.
        reach = max(window.end, self._today())
        return {
            "start": window.start.isoformat(),
            "end": (reach + dt.timedelta(days=1)).isoformat(),  # yfinance's end is exclusive
            "interval": "1d",
            "auto_adjust": False,
            "actions": True,
            "group_by": "column",
            "threads": self.config.threads,
            "multi_level_index": True,
            "progress": False,
            "timeout": self.config.timeout,
        }


def _check_interval(interval: str) -> None:
    if interval != "1d":
        raise ValueError(f"the yfinance source serves daily bars only ('1d'), not {interval!r}")


def _no_data_error(missing: list[str], errors: list[str]) -> QuotaExhausted | EmptyResponse:
    if any(marker in error for error in errors for marker in _RATE_LIMITED):
        return QuotaExhausted(SOURCE, f"Yahoo rate limit while fetching {', '.join(missing)}")
    detail = f" ({'; '.join(errors[:3])})" if errors else ""
    return EmptyResponse(SOURCE, f"no data for {', '.join(missing)}{detail}")


class _ErrorCollector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def _logged_errors() -> Iterator[list[str]]:
    """Collect the errors yfinance logs instead of raising, while the block runs."""
    collector = _ErrorCollector()
    logger = logging.getLogger("yfinance")
    logger.addHandler(collector)
    try:
        yield collector.messages
    finally:
        logger.removeHandler(collector)
