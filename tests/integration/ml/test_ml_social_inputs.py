"""On the sample store posts and news share news.articles (source 'sample' for both)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from tetra.adapters.stores import open_store
from tetra.data.ports import Query
from tetra.data.social import social_mask
from tetra.data.store_kind import StoreKind


def articles(path: Path) -> pd.DataFrame:
    with open_store(path, StoreKind.SAMPLE) as store:
        return store.read(Query("news.articles"))


def test_the_social_fold_counts_the_sample_posts_and_not_its_news(ml_store_path: Path) -> None:
    stored = articles(ml_store_path)
    posts = stored[social_mask(stored)]
    pairs = sum(len(json.loads(symbols)) for symbols in posts["symbols"])
    with open_store(ml_store_path, StoreKind.SAMPLE) as store:
        daily = store.read(Query("derived.social_daily"))

    assert 0 < len(posts) < len(stored)
    assert daily["mentions"].sum() == pairs
