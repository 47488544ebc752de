"""Specifications of the sample's synthetic news: seeded, stable, toned by the sample prices."""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd
import pytest

from tetra.data.calendars import sessions
from tetra.data.sentiment import score_articles
from tetra.data.universe import load_universe
from tetra.model.instruments import AssetClass, Instrument, UniverseGroup
from tetra.model.news import article_id_for
from tetra.sample.history import SampleSpec, generate_sample_history
from tetra.sample.news import (
    ARTICLE_COLUMNS,
    PUBLISHERS,
    REASON_COLUMNS,
    TONE_THRESHOLD,
    display_name,
    generate_news,
    move_signals,
    news_instruments,
    split_adjusted_returns,
    tone_of,
)

SPEC = SampleSpec()
UNIVERSE = load_universe()


@pytest.fixture(scope="module")
def chosen() -> tuple[Instrument, ...]:
    return news_instruments(list(UNIVERSE))


@pytest.fixture(scope="module")
def returns(chosen: tuple[Instrument, ...]) -> dict[str, pd.Series]:
    days = sessions(dt.date(2015, 12, 31), SPEC.end)
    history = generate_sample_history(list(UNIVERSE), days, SPEC)
    return split_adjusted_returns(
        history.bars, history.corporate_actions, [i.symbol for i in chosen]
    )


@pytest.fixture(scope="module")
def news(chosen: tuple[Instrument, ...], returns: dict[str, pd.Series]) -> pd.DataFrame:
    return generate_news(chosen, returns, SPEC.end, SPEC.seed)


def test_news_covers_the_largest_stocks_the_crypto_and_a_few_funds_and_growth_names(
    chosen: tuple[Instrument, ...],
) -> None:
    symbols = {i.symbol for i in chosen}
    largest = {i.symbol for i in UNIVERSE.by_group("largest_stocks")}
    crypto = {i.symbol for i in UNIVERSE.by_group("crypto")}

    assert largest <= symbols
    assert crypto <= symbols
    assert {"SPY", "QQQ", "TLT", "GLD", "IONQ", "RKLB"} <= symbols
    assert "IVV" not in symbols
    assert len(symbols) == 60


def test_same_seed_gives_identical_articles(
    news: pd.DataFrame, chosen: tuple[Instrument, ...], returns: dict[str, pd.Series]
) -> None:
    again = generate_news(chosen, returns, SPEC.end, SPEC.seed)

    pd.testing.assert_frame_equal(news, again)


def test_a_symbols_articles_do_not_depend_on_the_other_symbols(
    news: pd.DataFrame, returns: dict[str, pd.Series]
) -> None:
    alone = generate_news([UNIVERSE.get("NVDA")], returns, SPEC.end, SPEC.seed)

    together = news[news["symbol"] == "NVDA"].reset_index(drop=True)
    pd.testing.assert_frame_equal(alone, together)


def test_a_few_articles_per_symbol_and_month_over_the_last_two_years(
    news: pd.DataFrame,
) -> None:
    published = news["published_at"]
    per_month = news.groupby(["symbol", published.dt.strftime("%Y-%m")]).size()

    assert 5_000 <= len(news) <= 15_000
    assert published.min() >= pd.Timestamp("2024-01-01", tz="UTC")
    assert published.max() < pd.Timestamp("2026-01-01", tz="UTC")
    assert per_month.median() >= 3
    assert news.groupby("symbol").size().min() >= 24


def test_rows_have_the_catalog_columns_and_sample_labels(news: pd.DataFrame) -> None:
    assert list(news.columns) == [*ARTICLE_COLUMNS, *REASON_COLUMNS]
    assert (news["source"] == "sample").all()
    assert news["publisher"].isin(PUBLISHERS).all()
    assert news["published_at"].dt.tz is not None
    assert (news["symbols"] == '["' + news["symbol"] + '"]').all()


def test_ids_are_stable_hashes_of_unique_example_invalid_urls(news: pd.DataFrame) -> None:
    assert news["url"].str.startswith("https://example.invalid/sample/").all()
    assert news["url"].is_unique
    assert (news["article_id"] == news["url"].map(article_id_for)).all()
    first = news[news["symbol"] == "BRK.B"].iloc[0]
    assert re.fullmatch(r"https://example.invalid/sample/brk-b/\d{4}/\d\d/\d\d/\d\d", first["url"])


def test_summaries_have_one_or_two_sentences_naming_the_move(news: pd.DataFrame) -> None:
    sentences = news["summary"].str.split(r"(?<=\.)\s+", regex=True).str.len()

    assert sentences.between(1, 2).all()
    assert news["summary"].str.contains("over the three sessions to").all()


def test_tone_follows_the_move(news: pd.DataFrame) -> None:
    by_tone = news.groupby("tone")["move"]

    assert set(news["tone"]) == {"positive", "neutral", "negative"}
    assert (news.loc[news["tone"] == "positive", "move"] > 0).all()
    assert (news.loc[news["tone"] == "negative", "move"] < 0).all()
    assert by_tone.mean()["positive"] > 0.02 > by_tone.mean()["neutral"] > -0.02
    assert by_tone.mean()["negative"] < -0.02


def test_local_sentiment_scores_correlate_with_the_moves(news: pd.DataFrame) -> None:
    scores = score_articles(news[list(ARTICLE_COLUMNS)])
    whole = scores[scores["symbol"] == "*"].merge(news[["article_id", "move"]], on="article_id")

    for method in ("vader", "finance_lexicon"):
        rows = whole[whole["method"] == method]
        assert np.corrcoef(rows["score"], rows["move"])[0, 1] > 0.5, method


@pytest.mark.parametrize(
    ("score", "tone"),
    [(TONE_THRESHOLD, "positive"), (0.0, "neutral"), (-TONE_THRESHOLD, "negative")],
)
def test_tone_thresholds(score: float, tone: str) -> None:
    assert tone_of(score) == tone


def test_signals_see_only_closes_before_the_publication_day() -> None:
    days = pd.bdate_range("2024-01-01", periods=60)
    returns = pd.Series(np.random.default_rng(1).normal(0, 0.01, 60), index=days)

    signals = move_signals(returns, dt.date(2024, 1, 1), dt.date(2024, 12, 31))

    for signal in signals:
        position = days.get_loc(pd.Timestamp(signal.day))
        assert signal.as_of == days[position - 1].date()
        expected = np.expm1(returns.iloc[position - 3 : position].sum())
        assert signal.move == pytest.approx(expected)


def test_split_adjusted_returns_undo_a_split() -> None:
    days = pd.to_datetime(["2024-03-01", "2024-03-04", "2024-03-05"]).tz_localize("UTC")
    bars = pd.DataFrame({"symbol": "AAA", "ts": days, "close": [100.0, 102.0, 51.0]})
    actions = pd.DataFrame(
        {
            "symbol": ["AAA"],
            "ex_date": pd.to_datetime(["2024-03-05"]),
            "action": ["split"],
            "split_from": [1.0],
            "split_to": [2.0],
        }
    )

    returns = split_adjusted_returns(bars, actions, ["AAA"])["AAA"]

    assert returns.iloc[1] == pytest.approx(np.log(1.02))
    assert returns.iloc[2] == pytest.approx(0.0)


@pytest.mark.parametrize(
    ("name", "asset_class", "expected"),
    [
        ("NVIDIA Corporation", AssetClass.EQUITY, "NVIDIA"),
        ("The Home Depot, Inc.", AssetClass.EQUITY, "Home Depot"),
        ("Alphabet Inc. Class A", AssetClass.EQUITY, "Alphabet"),
        ("Eli Lilly and Company", AssetClass.EQUITY, "Eli Lilly"),
        ("JPMorgan Chase & Co.", AssetClass.EQUITY, "JPMorgan Chase"),
        ("SPDR S&P 500 ETF Trust", AssetClass.ETF, "AAA"),
        ("Bitcoin", AssetClass.CRYPTO, "Bitcoin"),
    ],
)
def test_display_names_drop_legal_suffixes(
    name: str, asset_class: AssetClass, expected: str
) -> None:
    group = {
        AssetClass.EQUITY: UniverseGroup.LARGEST_STOCKS,
        AssetClass.ETF: UniverseGroup.LARGEST_ETFS,
        AssetClass.CRYPTO: UniverseGroup.CRYPTO,
    }[asset_class]
    instrument = Instrument("AAA", name, asset_class, group, "XNAS")

    assert display_name(instrument) == expected
