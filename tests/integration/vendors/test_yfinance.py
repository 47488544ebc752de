"""YFinanceSource against a recorded yfinance frame (NVDA and BRK-B around NVDA's 10:1 split)."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import threading
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pandas as pd
import pytest
from yfinance.exceptions import YFRateLimitError

from tetra.adapters.sources.yfinance import YFinanceConfig, YFinanceSource
from tetra.core.errors import EmptyResponse, QuotaExhausted, SourceUnavailable
from tetra.data.batches import prepare_batch
from tetra.data.migrations import table
from tetra.data.sources import BarSource, CorporateActionSource, Window

FIXTURE = Path(__file__).parents[2] / "fixtures" / "vendors" / "yfinance"
RECORDED = FIXTURE / "nvda_brkb_2024-06-03_2024-06-14.csv"
JUNE = Window(dt.date(2024, 6, 3), dt.date(2024, 6, 14))
RECORDED_ON = dt.date(2024, 6, 14)
T = TypeVar("T")


def recorded_frame() -> pd.DataFrame:
    return pd.read_csv(RECORDED, header=[0, 1], index_col=0, parse_dates=True)


class RecordedDownload:
    """Stands in for `yfinance.download`: slices a recorded frame the way Yahoo would answer."""

    def __init__(self, frame: pd.DataFrame | None = None, log_error: str = "") -> None:
        self.frame = recorded_frame() if frame is None else frame
        self.log_error = log_error
        self.calls: list[tuple[list[str], dict[str, Any]]] = []
        self.threads: list[int] = []

    def __call__(self, tickers: list[str], **options: Any) -> pd.DataFrame:
        self.calls.append((list(tickers), options))
        self.threads.append(threading.get_ident())
        if self.log_error:
            logging.getLogger("yfinance").error(self.log_error)
        days = self.frame.index
        start, end = pd.Timestamp(options["start"]), pd.Timestamp(options["end"])
        frame = self.frame[(days >= start) & (days < end)]
        known = [t for t in tickers if t in frame.columns.get_level_values("Ticker")]
        if not known:
            return frame.iloc[0:0, 0:0]
        picked = frame.loc[:, frame.columns.get_level_values("Ticker").isin(known)]
        for ticker in set(tickers) - set(known):  # yfinance reindexes failures to all-NaN
            for price in frame.columns.get_level_values("Price").unique():
                picked[(price, ticker)] = np.nan
        return picked.sort_index(axis=1)


def make_source(download: Callable[..., pd.DataFrame]) -> YFinanceSource:
    return YFinanceSource(download=download, today=lambda: RECORDED_ON)


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coroutine)


def with_cell(ticker: str, column: str, day: str, value: object) -> pd.DataFrame:
    frame = recorded_frame()
    frame[(column, ticker)] = frame[(column, ticker)].astype(object)
    frame.loc[pd.Timestamp(day), (column, ticker)] = value
    return frame


def by_day(rows: pd.DataFrame, column: str = "ts") -> pd.DataFrame:
    return rows.set_index(pd.to_datetime(rows[column]).dt.date)


def test_the_recorded_frame_has_yfinance_column_layout() -> None:
    frame = recorded_frame()

    assert frame.columns.names == ["Price", "Ticker"]
    assert frame.index.name == "Date"
    assert sorted(frame.columns.get_level_values("Price").unique()) == [
        "Adj Close", "Close", "Dividends", "High", "Low", "Open", "Stock Splits", "Volume"
    ]  # fmt: skip
    assert frame.loc["2024-06-10", ("Stock Splits", "NVDA")] == 10.0
    assert frame.loc["2024-06-11", ("Dividends", "NVDA")] == 0.01


def test_source_implements_both_protocols() -> None:
    source = make_source(RecordedDownload())

    assert isinstance(source, BarSource)
    assert isinstance(source, CorporateActionSource)
    assert source.name == "yfinance"


def test_bars_undo_yahoos_split_adjustment_before_the_split_day() -> None:
    fetched = run(make_source(RecordedDownload()).bars("NVDA", JUNE))

    days = by_day(fetched.rows)
    assert len(days) == 10
    before, split_day = days.loc[dt.date(2024, 6, 7)], days.loc[dt.date(2024, 6, 10)]
    assert before["close"] == pytest.approx(1208.9, abs=1e-3)  # Yahoo shows 120.89
    assert before["open"] == pytest.approx(1197.7, abs=1e-3)
    assert before["volume"] == pytest.approx(41_238_600)  # Yahoo shows 412,386,000
    assert split_day["close"] == pytest.approx(121.79, abs=1e-4)  # already post-split
    assert split_day["volume"] == 314_162_700
    assert fetched.unparsed == ()


def test_bars_are_stamped_at_midnight_utc_of_the_session_date() -> None:
    fetched = run(make_source(RecordedDownload()).bars("NVDA", JUNE))

    stamps = fetched.rows["ts"]
    assert str(stamps.dt.tz) == "UTC"
    assert stamps.iloc[0] == pd.Timestamp("2024-06-03", tz="UTC")
    assert (stamps == stamps.dt.normalize()).all()


def test_bars_carry_exactly_the_catalog_columns_and_pass_the_batch_checks() -> None:
    fetched = run(make_source(RecordedDownload()).bars("NVDA", JUNE))
    ohlcv = table("market_data.ohlcv")

    assert fetched.dataset == "market_data.ohlcv"
    assert list(fetched.rows.columns) == list(ohlcv.column_names)
    assert set(fetched.rows["source"]) == {"yfinance"}
    assert fetched.rows["vwap"].isna().all()
    assert prepare_batch(ohlcv, fetched.rows).num_rows == 10


def test_the_download_asks_for_split_adjusted_prices_with_actions_up_to_today() -> None:
    download = RecordedDownload()

    run(make_source(download).bars("NVDA", Window(dt.date(2024, 6, 3), dt.date(2024, 6, 7))))

    [(tickers, options)] = download.calls
    assert tickers == ["NVDA"]
    assert options == {
        "start": "2024-06-03",
        "end": "2024-06-15",  # exclusive: today plus one day
        "interval": "1d",
        "auto_adjust": False,
        "actions": True,
        "group_by": "column",
        "threads": True,
        "multi_level_index": True,
        "progress": False,
        "timeout": 10.0,
    }


def test_a_split_after_the_window_still_un_adjusts_the_windows_prices() -> None:
    window = Window(dt.date(2024, 6, 3), dt.date(2024, 6, 7))
    source = make_source(RecordedDownload())

    bars = run(source.bars("NVDA", window))
    actions = run(source.corporate_actions("NVDA", window))

    assert bars.rows["ts"].max() == pd.Timestamp("2024-06-07", tz="UTC")
    assert by_day(bars.rows).loc[dt.date(2024, 6, 3), "close"] == pytest.approx(1150.0)
    assert actions.rows.empty


def test_the_download_runs_in_a_worker_thread() -> None:
    download = RecordedDownload()

    run(make_source(download).bars("NVDA", JUNE))

    assert download.threads
    assert download.threads[0] != threading.get_ident()


def test_corporate_actions_give_the_split_and_the_dividend() -> None:
    fetched = run(make_source(RecordedDownload()).corporate_actions("NVDA", JUNE))

    rows = fetched.rows.set_index(["ex_date", "action"])
    split = rows.loc[(dt.date(2024, 6, 10), "split")]
    assert (split["split_from"], split["split_to"]) == (1.0, 10.0)
    assert rows.loc[(dt.date(2024, 6, 11), "dividend"), "cash_amount"] == pytest.approx(0.01)
    actions = table("market_data.corporate_actions")
    assert list(fetched.rows.columns) == list(actions.column_names)
    assert prepare_batch(actions, fetched.rows).num_rows == 2


def test_a_dividend_before_a_split_is_returned_as_paid_per_pre_split_share() -> None:
    # Yahoo shows a $0.04 dividend paid before the 10:1 split as $0.004.
    download = RecordedDownload(with_cell("NVDA", "Dividends", "2024-06-05", 0.004))

    fetched = run(make_source(download).corporate_actions("NVDA", JUNE))

    dividends = fetched.rows[fetched.rows["action"] == "dividend"].set_index("ex_date")
    assert dividends.loc[dt.date(2024, 6, 5), "cash_amount"] == pytest.approx(0.04)
    assert dividends.loc[dt.date(2024, 6, 11), "cash_amount"] == pytest.approx(0.01)


def test_a_reverse_split_is_one_for_n_and_shrinks_earlier_prices() -> None:
    download = RecordedDownload(with_cell("NVDA", "Stock Splits", "2024-06-10", 0.1))
    source = make_source(download)

    actions = run(source.corporate_actions("NVDA", JUNE))
    bars = run(source.bars("NVDA", JUNE))

    split = actions.rows[actions.rows["action"] == "split"].iloc[0]
    assert (split["split_from"], split["split_to"]) == (10.0, 1.0)
    assert by_day(bars.rows).loc[dt.date(2024, 6, 7), "close"] == pytest.approx(12.089, abs=1e-4)


def test_share_classes_map_to_yahoos_dash_and_back() -> None:
    download = RecordedDownload()

    fetched = run(make_source(download).bars("BRK.B", JUNE))

    assert download.calls[0][0] == ["BRK-B"]
    assert set(fetched.rows["symbol"]) == {"BRK.B"}
    assert by_day(fetched.rows).loc[dt.date(2024, 6, 3), "close"] == pytest.approx(408.72)


def test_symbols_map_to_yahoo_tickers_both_ways() -> None:
    config = YFinanceConfig(symbol_overrides={"BF.B": "BF-B"})

    assert config.vendor_symbol("BTC") == "BTC-USD"
    assert config.tetra_symbol("BTC-USD") == "BTC"
    assert config.vendor_symbol("BRK.B") == "BRK-B"
    assert config.tetra_symbol("BRK-B") == "BRK.B"
    assert config.tetra_symbol("BF-B") == "BF.B"


def test_an_empty_frame_for_an_unknown_ticker_is_an_empty_response() -> None:
    message = "['ZZZZ']: YFTzMissingError('possibly delisted; no timezone found')"
    download = RecordedDownload(log_error=message)

    with pytest.raises(EmptyResponse, match=r"no data for ZZZZ .*possibly delisted"):
        run(make_source(download).bars("ZZZZ", JUNE))


def test_a_window_without_sessions_is_no_data_not_an_error() -> None:
    weekend = Window(dt.date(2024, 6, 8), dt.date(2024, 6, 9))

    fetched = run(make_source(RecordedDownload()).bars("NVDA", weekend))

    assert fetched.rows.empty
    prepare_batch(table("market_data.ohlcv"), fetched.rows)


def test_a_raised_rate_limit_means_the_quota_is_spent() -> None:
    def limited(tickers: list[str], **options: Any) -> pd.DataFrame:
        raise YFRateLimitError()

    with pytest.raises(QuotaExhausted, match="rate limit"):
        run(make_source(limited).bars("NVDA", JUNE))


def test_a_rate_limit_yfinance_only_logged_means_the_quota_is_spent() -> None:
    message = "['NVDA']: YFRateLimitError('Too Many Requests. Rate limited. Try after a while.')"
    empty = recorded_frame().iloc[0:0, 0:0]
    download = RecordedDownload(empty, log_error=message)

    with pytest.raises(QuotaExhausted, match="rate limit while fetching NVDA"):
        run(make_source(download).bars("NVDA", JUNE))


def test_a_network_failure_inside_yfinance_is_source_unavailable() -> None:
    def offline(tickers: list[str], **options: Any) -> pd.DataFrame:
        raise ConnectionError("could not resolve host query2.finance.yahoo.com")

    with pytest.raises(SourceUnavailable, match="ConnectionError"):
        run(make_source(offline).corporate_actions("NVDA", JUNE))


def test_an_unreadable_day_is_set_aside_and_the_other_days_kept() -> None:
    download = RecordedDownload(with_cell("NVDA", "Close", "2024-06-12", "n/a"))

    fetched = run(make_source(download).bars("NVDA", JUNE))

    assert len(fetched.rows) == 9
    [record] = fetched.unparsed
    assert record.reason == "missing or not a number: Close"
    assert record.key == "NVDA/1d/2024-06-12"
    assert record.payload["Close"] == "n/a"  # type: ignore[index,call-overload]
    prepare_batch(table("market_data.ohlcv"), fetched.rows)


def test_bars_many_fetches_several_symbols_in_one_download() -> None:
    download = RecordedDownload()

    many = run(make_source(download).bars_many(["NVDA", "BRK.B"], JUNE))

    assert len(download.calls) == 1
    assert sorted(download.calls[0][0]) == ["BRK-B", "NVDA"]
    assert set(many) == {"NVDA", "BRK.B"}
    assert len(many["NVDA"].rows) == len(many["BRK.B"].rows) == 10
    assert by_day(many["NVDA"].rows).loc[dt.date(2024, 6, 7), "close"] == pytest.approx(1208.9)
    both = pd.concat([many["NVDA"].rows, many["BRK.B"].rows], ignore_index=True)
    assert prepare_batch(table("market_data.ohlcv"), both).num_rows == 20


def test_bars_many_leaves_out_symbols_yahoo_has_nothing_for() -> None:
    many = run(make_source(RecordedDownload()).bars_many(["NVDA", "ZZZZ"], JUNE))

    assert set(many) == {"NVDA"}


def test_bars_many_with_no_data_at_all_is_an_empty_response() -> None:
    with pytest.raises(EmptyResponse, match="ZZZZ, YYYY"):
        run(make_source(RecordedDownload()).bars_many(["ZZZZ", "YYYY"], JUNE))


def test_history_many_gives_bars_and_actions_per_symbol() -> None:
    many = run(make_source(RecordedDownload()).history_many(["NVDA", "BRK.B"], JUNE))

    nvda_bars, nvda_actions = many["NVDA"]
    assert len(nvda_bars.rows) == 10
    assert sorted(nvda_actions.rows["action"]) == ["dividend", "split"]
    assert many["BRK.B"][1].rows.empty


def test_only_daily_bars_are_served() -> None:
    with pytest.raises(ValueError, match="daily"):
        run(make_source(RecordedDownload()).bars("NVDA", JUNE, "1h"))


@pytest.mark.skipif(os.environ.get("TETRA_LIVE_TESTS") != "1", reason="live calls are opt-in")
def test_live_yahoo_gives_raw_nvda_prices_around_its_split() -> None:
    window = Window(dt.date(2024, 6, 3), dt.date(2024, 6, 14))

    fetched = run(YFinanceSource().bars("NVDA", window))

    assert by_day(fetched.rows).loc[dt.date(2024, 6, 7), "close"] == pytest.approx(1208.9, rel=0.01)
