"""Social and GDELT features: a UTC day's row counts from the next decision day on."""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pandas as pd

from tetra.ml.features import FeatureSet, FeatureSpec, build_features
from tetra.ml.inputs import FeatureInputs, load_inputs
from tetra.testing.builders import bars_frame
from tetra.testing.memory_store import InMemoryStore

F = FeatureSpec.of


def inputs_with(
    social: list[tuple[str, str, int, float]], world: dict[str, float]
) -> FeatureInputs:
    store = InMemoryStore()
    store.migrate()
    store.upsert("market_data.ohlcv", bars_frame(("AAA", "BBB"), "2024-01-02", 15))
    inputs = load_inputs(store, ["AAA", "BBB"], dt.date(2024, 1, 2), dt.date(2024, 1, 22))
    posts = pd.DataFrame(social, columns=["symbol", "date", "mentions", "score"])
    geo = pd.DataFrame(
        {"country": "*", "date": list(world), "conflict_intensity": list(world.values())}
    )
    return dataclasses.replace(
        inputs,
        social=posts.assign(authors=posts["mentions"], date=pd.to_datetime(posts["date"])),
        geopolitical=geo.assign(goldstein=np.nan, tone=np.nan, date=pd.to_datetime(geo["date"])),
    )


def features(inputs: FeatureInputs, *specs: FeatureSpec) -> dict[str, pd.DataFrame]:
    frame = build_features(inputs, [FeatureSet("probe", 1, specs)])
    days = pd.DatetimeIndex(frame.dates).strftime("%m-%d")
    return {
        n: pd.DataFrame(frame.column(n), index=days, columns=frame.symbols) for n in frame.names
    }


def test_posts_of_a_utc_day_count_from_the_next_decision_day_and_scores_weigh_by_mentions() -> None:
    inputs = inputs_with(
        [
            ("AAA", "2024-01-09", 2, 0.5),
            ("AAA", "2024-01-10", 1, -0.4),
            ("BBB", "2024-01-13", 4, 0.1),
        ],
        {},
    )

    got = features(
        inputs,
        F("m1", "social_mentions", sessions=1),
        F("m5", "social_mentions", sessions=5),
        F("s5", "social_score", sessions=5),
    )

    assert got["m1"].loc["01-09"].isna().all()  # before any post is known
    assert list(got["m1"].loc[["01-10", "01-11", "01-12"], "AAA"]) == [2.0, 1.0, 0.0]
    assert got["m1"].loc["01-15", "BBB"] == 4.0  # Saturday's posts count on Monday
    assert got["m5"].loc["01-11", "AAA"] == 3.0
    assert got["s5"].loc["01-11", "AAA"] == np.float64((2 * 0.5 - 0.4) / 3)
    assert np.isnan(got["s5"].loc["01-11", "BBB"])


def test_the_world_index_of_a_day_shows_from_the_next_decision_day_for_every_symbol() -> None:
    world = {f"2024-01-{d:02d}": float(d) for d in range(1, 23)}
    inputs = inputs_with([], world)

    got = features(
        inputs,
        F("c1", "gdelt_mean", column="conflict_intensity", country="*", days=1),
        F("c3", "gdelt_mean", column="conflict_intensity", country="*", days=3),
    )

    assert list(got["c1"].loc[["01-10", "01-15"], "AAA"]) == [9.0, 14.0]
    assert got["c3"].loc["01-15", "BBB"] == 13.0  # Friday to Sunday
    assert (got["c1"]["AAA"] == got["c1"]["BBB"]).all()
