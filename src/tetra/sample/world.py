"""Seeded, fictional geopolitics and social posts for the sample store.

Map of the module:
- `generate_geopolitics`: GDELT-shaped events over the last `GEO_YEARS` of the history: each
  of a handful of countries carries a latent tension (an AR(1) with rare escalations); a day's
  event count per country is Poisson in it, each event gets a conflict root code, its CAMEO
  QuadClass, a Goldstein value typical of the code, mentions, tone and a publication minute.
  Actors are generic roles, URLs under ``https://example.invalid/sample/geo/``.
- `generate_gpr`: a GPR-like daily index (and its acts/threats parts) over the whole history,
  mean-reverting around 100 in logs and lifted by the world's tension where events exist;
  dated public `GPR_LAG_DAYS` after each day, like the live adapter's history.
- `generate_posts`: social posts per symbol over the last `SOCIAL_YEARS`: more posts on big
  moves, tone following the day's move, published 21:00-24:00 UTC (after the US close), by a
  pool of fictional authors; cashtags name the symbols.
Everything draws from generators keyed on the seed and a name: reruns are identical.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from tetra.model.news import article_id_for
from tetra.sample.members import keyed_rng

GEO_YEARS = 2
SOCIAL_YEARS = 1
GPR_LAG_DAYS = 7
COUNTRIES = ("US", "CH", "RS", "UP", "IS", "IR", "TW", "KN", "SY", "IZ")  # FIPS 10-4
ROOT_GOLDSTEIN = {
    "13": -4.4,
    "14": -6.5,
    "15": -7.2,
    "16": -4.0,
    "17": -7.0,
    "18": -9.0,
    "19": -10.0,
    "20": -10.0,
}
ROOT_WEIGHTS = np.array([0.22, 0.18, 0.08, 0.14, 0.12, 0.12, 0.12, 0.02])
ACTORS = ("GOVERNMENT", "MILITARY", "REBEL GROUP", "PROTESTER", "POLICE", "OPPOSITION")
GEO_URL = "https://example.invalid/sample/geo"
SOCIAL_URL = "https://example.invalid/sample/social"
AUTHORS = 200
UP_TITLES = (
    "${s} ripping today, up {m:.1f}%",
    "Anyone else loading up on ${s}? +{m:.1f}% and strong",
    "${s} breakout, great day for holders",
)
DOWN_TITLES = (
    "${s} down {m:.1f}%, ugly selloff",
    "Bagholding ${s} after another drop of {m:.1f}%",
    "${s} looks weak, is this the crash?",
)
FLAT_TITLES = (
    "${s} daily discussion",
    "Thoughts on ${s} here?",
    "What is everyone's plan for ${s}",
)


def generate_geopolitics(end: dt.date, seed: int) -> pd.DataFrame:
    """Return events.geopolitical rows (source left to the caller) for the last GEO_YEARS."""
    days = pd.date_range(end - dt.timedelta(days=365 * GEO_YEARS - 1), end, freq="D")
    rows: list[dict[str, object]] = []
    for country in COUNTRIES:
        rng = keyed_rng(seed, f"geo/{country}")
        tension = _tension(rng, len(days))
        counts = rng.poisson(0.6 * np.exp(tension))
        for day, count in zip(days, counts, strict=True):
            rows += [_event(rng, country, day.date(), len(rows) + i) for i in range(int(count))]
    frame = pd.DataFrame(rows)
    frame["added_at"] = pd.to_datetime(frame["added_at"], utc=True)
    return frame.sort_values(["added_at", "event_id"]).reset_index(drop=True)


def _tension(rng: np.random.Generator, n: int) -> np.ndarray:
    shocks = rng.normal(0.0, 0.15, n) + np.where(
        rng.random(n) < 0.01, rng.uniform(1.0, 2.0, n), 0.0
    )
    level = np.empty(n)
    value = 0.0
    for i in range(n):
        value = 0.97 * value + shocks[i]
        level[i] = value
    return level


def _event(rng: np.random.Generator, country: str, day: dt.date, n: int) -> dict[str, object]:
    root = str(rng.choice(list(ROOT_GOLDSTEIN), p=ROOT_WEIGHTS / ROOT_WEIGHTS.sum()))
    mentions = int(10 + rng.geometric(0.08))
    minute = int(rng.integers(0, 96)) * 15
    event_id = str(9_000_000_000 + n)
    return {
        "event_id": event_id,
        "event_date": day - dt.timedelta(days=int(rng.random() < 0.3)),
        "added_at": dt.datetime.combine(day, dt.time(), dt.UTC) + dt.timedelta(minutes=minute),
        "event_code": f"{root}0",
        "base_code": f"{root}0",
        "root_code": root,
        "quad_class": 3 if root == "13" else 4,
        "goldstein": ROOT_GOLDSTEIN[root],
        "num_mentions": mentions,
        "num_sources": max(1, mentions // 4),
        "num_articles": mentions,
        "avg_tone": float(np.round(rng.normal(-5.0, 2.0), 3)),
        "actor1_name": str(rng.choice(ACTORS)),
        "actor1_country": None,
        "actor2_name": str(rng.choice(ACTORS)),
        "actor2_country": None,
        "country": country,
        "place": f"Sample place, {country}",
        "latitude": None,
        "longitude": None,
        "source_url": f"{GEO_URL}/{event_id}",
    }


def generate_gpr(start: dt.date, end: dt.date, events: pd.DataFrame, seed: int) -> pd.DataFrame:
    """Return GPR-like economic_data.indicators rows (source left to the caller)."""
    days = pd.date_range(start, end, freq="D")
    rng = keyed_rng(seed, "gpr")
    noise = rng.normal(0.0, 0.12, len(days))
    level = np.empty(len(days))
    value = 0.0
    for i, shock in enumerate(noise):
        value = 0.95 * value + shock
        level[i] = value
    world = _world_intensity(events, days)
    gprd = 100.0 * np.exp(level + 0.25 * world)
    acts = gprd * np.exp(rng.normal(-0.05, 0.1, len(days)))
    threats = gprd * np.exp(rng.normal(0.05, 0.1, len(days)))
    lag = pd.Timedelta(days=GPR_LAG_DAYS)
    frames = [
        pd.DataFrame(
            {
                "series_id": name,
                "date": days.date,
                "realtime_start": (days + lag).date,
                "realtime_end": dt.date(9999, 12, 31),
                "value": np.round(values, 4),
            }
        )
        for name, values in (("GPRD", gprd), ("GPRD_ACT", acts), ("GPRD_THREAT", threats))
    ]
    return pd.concat(frames, ignore_index=True)


def _world_intensity(events: pd.DataFrame, days: pd.DatetimeIndex) -> np.ndarray:
    if events.empty:
        return np.zeros(len(days))
    per_day = events.groupby(pd.to_datetime(events["added_at"]).dt.tz_convert(None).dt.normalize())[
        "num_mentions"
    ].sum()
    aligned = per_day.reindex(days).astype(float)
    scaled = (
        np.log1p(aligned.fillna(0.0)) - np.log1p(aligned.mean())
        if aligned.notna().any()
        else aligned
    )
    filled: np.ndarray = np.nan_to_num(np.asarray(scaled, dtype=float), nan=0.0)
    return filled


def generate_posts(returns: Mapping[str, pd.Series], end: dt.date, seed: int) -> pd.DataFrame:
    """Return news.articles-shaped social posts (source left to the caller)."""
    first = pd.Timestamp(end - dt.timedelta(days=365 * SOCIAL_YEARS - 1))
    rows: list[dict[str, object]] = []
    for symbol, series in sorted(returns.items()):
        rng = keyed_rng(seed, f"social/{symbol}")
        moves = series[series.index >= first].dropna()
        scale = float(series.std()) or 0.01
        for day, move in moves.items():
            z = float(move) / scale
            for n in range(int(rng.poisson(0.2 + 0.5 * abs(z)))):
                rows.append(_post(rng, symbol, pd.Timestamp(str(day)).date(), float(move), z, n))
    return pd.DataFrame(rows)


def _post(
    rng: np.random.Generator, symbol: str, day: dt.date, move: float, z: float, n: int
) -> dict[str, object]:
    titles = UP_TITLES if z > 0.75 else DOWN_TITLES if z < -0.75 else FLAT_TITLES
    title = str(rng.choice(titles)).replace("{s}", symbol).format(m=abs(move) * 100)
    url = f"{SOCIAL_URL}/{symbol.lower()}/{day:%Y%m%d}/{n}"
    return {
        "article_id": article_id_for(url),
        "url": url,
        "title": title,
        "summary": None,
        "publisher": "r/sample_stocks",
        "author": f"sample_user_{int(rng.integers(0, AUTHORS))}",
        # after the US close, spread over three hours so no two posts share a second
        "published_at": pd.Timestamp(dt.datetime.combine(day, dt.time(21), dt.UTC))
        + pd.Timedelta(seconds=int(rng.integers(0, 3 * 3600))),
        "symbols": json.dumps([symbol]),
    }


def social_symbols(symbols: Sequence[str]) -> list[str]:
    """Return the symbols posts are generated for (those the sample news covers)."""
    return sorted(symbols)
