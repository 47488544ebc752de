"""Local sentiment scoring: signs, labels, rows and determinism."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest

from tetra.data.batches import prepare_batch
from tetra.data.migrations import table
from tetra.data.sentiment import (
    FINANCE_LEXICON,
    load_master_dictionary,
    score_articles,
    sentiment_label,
    vader_score,
)

POSITIVE = "Nvidia beats estimates as record profit and strong demand lift shares"
NEGATIVE = "Retailer plunges after profit warning, layoffs and a fraud probe"


def articles(*titles: str) -> pd.DataFrame:
    published = pd.Timestamp(dt.datetime(2026, 11, 20, 15, tzinfo=dt.UTC))
    return pd.DataFrame(
        {
            "article_id": [f"a{i}" for i in range(len(titles))],
            "title": list(titles),
            "summary": [None] * len(titles),
            "symbols": [json.dumps(["NVDA", "AMD"])] * len(titles),
            "published_at": [published] * len(titles),
        }
    )


@pytest.mark.parametrize("method", ["vader", "finance_lexicon"])
def test_obvious_headlines_score_with_the_right_sign(method: str) -> None:
    scores = score_articles(articles(POSITIVE, NEGATIVE), methods=[method])
    by_article = scores[scores["symbol"] == "*"].set_index("article_id")["score"]
    assert by_article["a0"] > 0
    assert by_article["a1"] < 0


def test_vader_compound_is_used_on_title_and_summary() -> None:
    assert vader_score(POSITIVE) > 0.3
    assert vader_score(NEGATIVE) < -0.3


def test_lexicon_score_is_balance_of_hits_and_zero_without_hits() -> None:
    assert FINANCE_LEXICON.score("profit surges") == 1.0
    assert FINANCE_LEXICON.score("profit surges but lawsuit looms") == pytest.approx(1 / 3)
    assert FINANCE_LEXICON.score("the company held its annual meeting") == 0.0


def test_lexicon_negation_flips_a_hit() -> None:
    assert FINANCE_LEXICON.score("results did not beat expectations") == -1.0


@pytest.mark.parametrize(
    ("score", "label"),
    [
        (-1.0, "Bearish"),
        (-0.35, "Bearish"),
        (-0.34, "Somewhat-Bearish"),
        (-0.15, "Somewhat-Bearish"),
        (-0.14, "Neutral"),
        (0.0, "Neutral"),
        (0.14, "Neutral"),
        (0.15, "Somewhat-Bullish"),
        (0.34, "Somewhat-Bullish"),
        (0.35, "Bullish"),
        (1.0, "Bullish"),
    ],
)
def test_labels_follow_alpha_vantage_thresholds(score: float, label: str) -> None:
    assert sentiment_label(score) == label


def test_rows_cover_each_symbol_plus_star_per_method_and_pass_the_catalog() -> None:
    scores = score_articles(articles(POSITIVE))
    assert sorted(zip(scores["method"], scores["symbol"], strict=True)) == [
        ("finance_lexicon", "*"),
        ("finance_lexicon", "AMD"),
        ("finance_lexicon", "NVDA"),
        ("vader", "*"),
        ("vader", "AMD"),
        ("vader", "NVDA"),
    ]
    assert set(scores["source"]) == {"tetra"}
    assert scores["relevance"].isna().all()
    assert list(scores["label"]) == [sentiment_label(s) for s in scores["score"]]
    prepare_batch(table("news.sentiment"), scores)


def test_article_without_symbols_gets_only_the_star_row() -> None:
    frame = articles(POSITIVE)
    frame["symbols"] = None
    assert list(score_articles(frame, methods=["vader"])["symbol"]) == ["*"]


def test_scoring_is_deterministic() -> None:
    frame = articles(POSITIVE, NEGATIVE, "Shares were unchanged")
    pd.testing.assert_frame_equal(score_articles(frame), score_articles(frame))


def test_empty_input_gives_empty_catalog_frame() -> None:
    scores = score_articles(articles())
    assert scores.empty
    assert list(scores.columns) == list(table("news.sentiment").column_names)


def test_unknown_method_is_refused() -> None:
    with pytest.raises(ValueError, match="loughran_mcdonald"):
        score_articles(articles(POSITIVE), methods=["loughran_mcdonald"])


def test_master_dictionary_csv_becomes_a_named_method(tmp_path: Path) -> None:
    path = tmp_path / "master.csv"
    path.write_text(
        "Word,Sequence Number,Negative,Positive,Uncertainty\n"
        "GAIN,1,0,2009,0\nLOSS,2,2009,0,0\nMAYBE,3,0,0,2009\n"
    )
    lexicon = load_master_dictionary(path)
    scores = score_articles(
        articles("Gain and gain, maybe a loss"),
        methods=["loughran_mcdonald"],
        lexicons={"loughran_mcdonald": lexicon},
    )
    assert list(scores["score"]) == pytest.approx([1 / 3] * 3)
    assert set(scores["method"]) == {"loughran_mcdonald"}
