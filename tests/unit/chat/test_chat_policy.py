"""Specification of the chat's table policy: which tables it may read, and which are private."""

from __future__ import annotations

import pytest

from tetra.chat.policy import Privacy, TablePolicy
from tetra.data.migrations import catalog

PUBLIC_CATALOG_TABLES = {
    "market_data.ohlcv",
    "market_data.symbols",
    "market_data.exchanges",
    "market_data.corporate_actions",
    "market_data.price_series",
    "economic_data.indicators",
    "economic_data.releases",
    "events.earnings",
    "events.dividends",
    "events.economic_events",
    "news.articles",
    "news.sentiment",
    "derived.technical_indicators",
    "derived.volatility_metrics",
    "derived.correlation_matrices",
    "derived.feature_sets",  # ML feature definitions, values and model scores: derived data
    "derived.features",
    "derived.predictions",
    "events.geopolitical",  # geopolitics and social attention: public data like news
    "derived.geopolitical_daily",
    "derived.social_daily",
    "market_data.universe_membership",
    "ops.coverage",
    "ops.ingest_runs",
    "ops.quarantine",
}
PRIVATE_CATALOG_TABLES = {
    "strategies.definitions",
    "strategies.runs",
    "strategies.signals",
    "strategies.trades",
    "strategies.performance",
    "strategies.approvals",
    "execution.orders",
    "execution.fills",
    "execution.positions",
    "execution.order_events",
    "execution.reconciliations",
    "portfolio.books",
    "portfolio.fills",
    "portfolio.holdings",
    "simulation.runs",
    "simulation.parameters",
    "simulation.outcomes",
    "simulation.bands",
    "simulation.scenario_results",
    "cycle.runs",
    "cycle.recommendations",
    "reports.reports",
    "reports.deliveries",
    "reports.failures",
}
# Kill switches and the risk journal are controls, not data to ask about: the chat cannot read them.
UNREADABLE_CATALOG_TABLES = {
    "ops.store_info",
    "ops.watermarks",
    "ops.alerts",
    "risk.kill_switches",
    "risk.events",
}


@pytest.fixture(scope="module")
def default_policy() -> TablePolicy:
    return TablePolicy.classify(catalog())


def test_default_policy_makes_market_macro_news_derived_and_pipeline_health_public(
    default_policy: TablePolicy,
) -> None:
    assert default_policy.public == PUBLIC_CATALOG_TABLES


def test_default_policy_makes_strategies_and_execution_private(
    default_policy: TablePolicy,
) -> None:
    assert default_policy.private == PRIVATE_CATALOG_TABLES


def test_default_policy_leaves_store_bookkeeping_and_risk_controls_unreadable(
    default_policy: TablePolicy,
) -> None:
    unreadable = set(catalog()) - default_policy.readable

    assert unreadable == UNREADABLE_CATALOG_TABLES


def test_default_policy_sorts_every_catalog_table_into_exactly_one_class(
    default_policy: TablePolicy,
) -> None:
    classes = [PUBLIC_CATALOG_TABLES, PRIVATE_CATALOG_TABLES, UNREADABLE_CATALOG_TABLES]

    assert set().union(*classes) == set(catalog())
    assert sum(len(c) for c in classes) == len(catalog())
    assert default_policy.readable == PUBLIC_CATALOG_TABLES | PRIVATE_CATALOG_TABLES


def test_classify_lower_cases_table_names() -> None:
    policy = TablePolicy.classify(["Market_Data.OHLCV", "STRATEGIES.Trades"])

    assert policy.public == {"market_data.ohlcv"}
    assert policy.private == {"strategies.trades"}


def test_private_schema_wins_over_a_public_table_listing() -> None:
    policy = TablePolicy.classify(
        ["strategies.trades", "ops.coverage"],
        public_tables=["strategies.trades", "ops.coverage"],
    )

    assert policy.private == {"strategies.trades"}
    assert policy.public == {"ops.coverage"}


def test_private_schema_wins_over_the_same_schema_listed_public() -> None:
    policy = TablePolicy.classify(
        ["news.articles"], public_schemas=["news"], private_schemas=["news"]
    )

    assert policy.private == {"news.articles"}
    assert policy.public == frozenset()


def test_custom_schemas_replace_the_defaults() -> None:
    policy = TablePolicy.classify(
        ["market_data.ohlcv", "news.articles", "ops.coverage"],
        public_schemas=["market_data"],
        private_schemas=["news"],
        public_tables=[],
    )

    assert policy.public == {"market_data.ohlcv"}
    assert policy.private == {"news.articles"}
    assert "ops.coverage" not in policy.readable


def test_a_table_both_public_and_private_is_refused() -> None:
    with pytest.raises(ValueError, match=r"both public and private: \['news.articles'\]"):
        TablePolicy(frozenset({"news.articles"}), frozenset({"news.articles"}))


def test_privacy_of_public_tables_is_public(default_policy: TablePolicy) -> None:
    privacy = default_policy.privacy_of(["market_data.ohlcv", "news.sentiment"])

    assert privacy is Privacy.PUBLIC


def test_privacy_of_a_private_table_is_private(default_policy: TablePolicy) -> None:
    assert default_policy.privacy_of(["execution.positions"]) is Privacy.PRIVATE


def test_privacy_of_public_and_private_tables_together_is_private(
    default_policy: TablePolicy,
) -> None:
    privacy = default_policy.privacy_of(["market_data.ohlcv", "strategies.trades"])

    assert privacy is Privacy.PRIVATE


@pytest.mark.parametrize("unknown", ["ops.watermarks", "secret.vault", "ohlcv"])
def test_privacy_of_an_unknown_or_unreadable_table_is_private(
    default_policy: TablePolicy, unknown: str
) -> None:
    assert default_policy.privacy_of(["market_data.ohlcv", unknown]) is Privacy.PRIVATE


def test_privacy_of_ignores_case(default_policy: TablePolicy) -> None:
    assert default_policy.privacy_of(["MARKET_DATA.Ohlcv"]) is Privacy.PUBLIC
