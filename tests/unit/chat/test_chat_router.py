"""Specification of the chat router: which provider answers, and what it may see.

The translators are scripted fakes of the `Translator` port that record what they were given.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pytest

from tetra.chat.context import ColumnInfo, SchemaContext, TableInfo
from tetra.chat.policy import Privacy
from tetra.chat.router import ChatRouter, ProviderChoice, mentions_private
from tetra.chat.translation import (
    ModelFailed,
    ProviderKind,
    Translation,
    TranslationFailed,
    Turn,
)

PUBLIC_QUESTION = "What was the last close of QQQ?"
PRIVATE_QUESTION = "What are my current positions?"


def _table(name: str, privacy: Privacy) -> TableInfo:
    return TableInfo(name, "", privacy, (ColumnInfo("symbol", "VARCHAR"),))


CONTEXT = SchemaContext(
    "duckdb",
    (
        _table("market_data.ohlcv", Privacy.PUBLIC),
        _table("news.sentiment", Privacy.PUBLIC),
        _table("economic_data.indicators", Privacy.PUBLIC),
        _table("strategies.definitions", Privacy.PRIVATE),
        _table("strategies.performance", Privacy.PRIVATE),
        _table("execution.orders", Privacy.PRIVATE),
    ),
)


@dataclass
class ScriptedTranslator:
    """A `Translator` that answers SELECT 1 (or raises `failure`) and records its calls."""

    kind: ProviderKind
    failure: Exception | None = None
    calls: list[tuple[str, SchemaContext, Sequence[Turn]]] = field(default_factory=list)

    @property
    def model(self) -> str:
        return f"{self.kind.value}-model"

    def translate(
        self, question: str, context: SchemaContext, history: Sequence[Turn] = ()
    ) -> Translation:
        self.calls.append((question, context, history))
        if self.failure is not None:
            raise self.failure
        return Translation("SELECT 1", f"from {self.kind.value}", self.kind, self.model)


@pytest.fixture
def offline() -> ScriptedTranslator:
    return ScriptedTranslator(ProviderKind.OFFLINE)


@pytest.fixture
def local() -> ScriptedTranslator:
    return ScriptedTranslator(ProviderKind.LOCAL)


@pytest.fixture
def cloud() -> ScriptedTranslator:
    return ScriptedTranslator(ProviderKind.CLOUD)


# --- which questions are private -------------------------------------------------------------


@pytest.mark.parametrize(
    "question",
    [
        PRIVATE_QUESTION,
        "Show my P&L for March",
        "What is the PnL of the QQQ pair?",
        "P & L by symbol",
        "List the backtest runs",
        "Which backtests did best?",
        "Show the open orders",
        "Which trades lost money?",
        "How many trades did run demo make?",
        "Sharpe ratio of the pair strategy",
        "What is in the portfolio?",
        "Current holdings by account",
        "Which fills came in today?",
        "Max drawdown of every strategy",
        "Signals emitted yesterday",
        "What did we buy last week?",
        "Show strategies.definitions",
        "Rows of strategies.performance",
        "count rows in execution.orders",
        "How much money did I make?",
        "What do I hold in tech?",
    ],
)
def test_questions_about_private_data_are_private(question: str) -> None:
    assert mentions_private(question, CONTEXT) is True


@pytest.mark.parametrize(
    "question",
    [
        "Top gainers over the last month",
        "What is the latest CPI?",
        "News sentiment for AAPL over the last 30 days",
        PUBLIC_QUESTION,
        "Compare SPY and QQQ over the last year",
        "What is the 10-year Treasury yield?",
        "Which symbols are missing the most sessions?",
        "Upcoming earnings this month",
        "How did the last pipeline runs go?",
        "Performance of QQQ this year",
        "Largest US stocks by volume",
    ],
)
def test_questions_about_market_macro_and_news_data_are_public(question: str) -> None:
    assert mentions_private(question, CONTEXT) is False


def test_a_table_name_counts_as_private_only_when_that_table_is_private() -> None:
    # A deployment may declare any table private, e.g. a vendor feed it pays for.
    private_feed = SchemaContext("duckdb", (_table("market_data.price_series", Privacy.PRIVATE),))
    public_feed = SchemaContext("duckdb", (_table("market_data.price_series", Privacy.PUBLIC),))

    assert mentions_private("Rows of market_data.price_series", private_feed) is True
    assert mentions_private("Rows of market_data.price_series", public_feed) is False


# --- automatic routing ------------------------------------------------------------------------


def test_auto_sends_a_public_question_to_the_cloud_when_configured(
    offline: ScriptedTranslator, local: ScriptedTranslator, cloud: ScriptedTranslator
) -> None:
    router = ChatRouter(offline, local=local, cloud=cloud)

    routed = router.translate(PUBLIC_QUESTION, CONTEXT)

    assert routed.translation.provider is ProviderKind.CLOUD
    assert routed.privacy is Privacy.PUBLIC
    assert (len(offline.calls), len(local.calls), len(cloud.calls)) == (0, 0, 1)


def test_auto_sends_a_public_question_to_the_local_model_without_a_cloud(
    offline: ScriptedTranslator, local: ScriptedTranslator
) -> None:
    routed = ChatRouter(offline, local=local).translate(PUBLIC_QUESTION, CONTEXT)

    assert routed.translation.provider is ProviderKind.LOCAL
    assert routed.context == CONTEXT


def test_auto_answers_a_public_question_offline_without_any_model(
    offline: ScriptedTranslator,
) -> None:
    routed = ChatRouter(offline).translate(PUBLIC_QUESTION, CONTEXT)

    assert routed.translation.provider is ProviderKind.OFFLINE
    assert routed.note == ""


def test_auto_sends_a_private_question_to_the_local_model_never_the_cloud(
    offline: ScriptedTranslator, local: ScriptedTranslator, cloud: ScriptedTranslator
) -> None:
    router = ChatRouter(offline, local=local, cloud=cloud)

    routed = router.translate(PRIVATE_QUESTION, CONTEXT)

    assert routed.translation.provider is ProviderKind.LOCAL
    assert routed.privacy is Privacy.PRIVATE
    assert routed.context == CONTEXT
    assert cloud.calls == []


def test_auto_answers_a_private_question_offline_without_a_local_model(
    offline: ScriptedTranslator, cloud: ScriptedTranslator
) -> None:
    routed = ChatRouter(offline, cloud=cloud).translate(PRIVATE_QUESTION, CONTEXT)

    assert routed.translation.provider is ProviderKind.OFFLINE
    assert routed.privacy is Privacy.PRIVATE
    assert cloud.calls == []


def test_the_cloud_sees_a_context_without_private_tables(
    offline: ScriptedTranslator, cloud: ScriptedTranslator
) -> None:
    routed = ChatRouter(offline, cloud=cloud).translate(PUBLIC_QUESTION, CONTEXT)

    _, seen, _ = cloud.calls[0]
    assert seen.table_names == {"market_data.ohlcv", "news.sentiment", "economic_data.indicators"}
    assert all(t.privacy is Privacy.PUBLIC for t in seen.tables)
    assert routed.context == seen


def test_the_translator_receives_the_question_and_the_history(
    offline: ScriptedTranslator, local: ScriptedTranslator
) -> None:
    history = [Turn("last close of QQQ", "SELECT 1")]

    ChatRouter(offline, local=local).translate("and of SPY?", CONTEXT, "auto", history)

    assert local.calls == [("and of SPY?", CONTEXT, history)]


# --- explicit providers -----------------------------------------------------------------------


@pytest.mark.parametrize("question", [PUBLIC_QUESTION, PRIVATE_QUESTION])
@pytest.mark.parametrize(
    ("choice", "provider"),
    [("offline", ProviderKind.OFFLINE), ("local", ProviderKind.LOCAL)],
)
def test_an_explicit_offline_or_local_choice_is_honoured_for_any_question(
    offline: ScriptedTranslator,
    local: ScriptedTranslator,
    cloud: ScriptedTranslator,
    question: str,
    choice: ProviderChoice,
    provider: ProviderKind,
) -> None:
    router = ChatRouter(offline, local=local, cloud=cloud)

    routed = router.translate(question, CONTEXT, choice)

    assert routed.translation.provider is provider
    assert routed.context == CONTEXT


def test_an_explicit_cloud_choice_answers_a_public_question(
    offline: ScriptedTranslator, cloud: ScriptedTranslator
) -> None:
    routed = ChatRouter(offline, cloud=cloud).translate(PUBLIC_QUESTION, CONTEXT, "cloud")

    assert routed.translation.provider is ProviderKind.CLOUD
    assert routed.context.table_names == CONTEXT.public_only().table_names


def test_an_explicit_cloud_choice_refuses_a_private_question_without_calling_it(
    offline: ScriptedTranslator, local: ScriptedTranslator, cloud: ScriptedTranslator
) -> None:
    router = ChatRouter(offline, local=local, cloud=cloud)

    with pytest.raises(TranslationFailed, match="private data") as raised:
        router.translate(PRIVATE_QUESTION, CONTEXT, "cloud")

    assert not isinstance(raised.value, ModelFailed)
    assert (len(offline.calls), len(local.calls), len(cloud.calls)) == (0, 0, 0)


@pytest.mark.parametrize("name", ["local", "cloud"])
def test_requesting_an_unconfigured_provider_names_the_settings_to_set(
    offline: ScriptedTranslator, name: ProviderChoice
) -> None:
    prefix = f"TETRA_LLM_{name.upper()}"
    expected = f"no {name} model is configured; set {prefix}__BASE_URL and {prefix}__MODEL"

    with pytest.raises(TranslationFailed, match=expected):
        ChatRouter(offline).translate(PUBLIC_QUESTION, CONTEXT, name)

    assert offline.calls == []


# --- model failures ---------------------------------------------------------------------------


def test_a_failing_cloud_under_auto_falls_back_to_offline_with_a_note(
    offline: ScriptedTranslator,
) -> None:
    cloud = ScriptedTranslator(ProviderKind.CLOUD, ModelFailed("cloud-model answered HTTP 500"))

    routed = ChatRouter(offline, cloud=cloud).translate(PUBLIC_QUESTION, CONTEXT)

    assert routed.translation.provider is ProviderKind.OFFLINE
    assert routed.note == (
        "cloud-model answered HTTP 500 — answered by the offline translator instead."
    )
    assert routed.context == CONTEXT
    assert len(offline.calls) == 1


def test_a_failing_local_model_under_auto_falls_back_to_offline_for_a_private_question(
    offline: ScriptedTranslator, cloud: ScriptedTranslator
) -> None:
    local = ScriptedTranslator(ProviderKind.LOCAL, ModelFailed("local-model is unreachable"))

    routed = ChatRouter(offline, local=local, cloud=cloud).translate(PRIVATE_QUESTION, CONTEXT)

    assert routed.translation.provider is ProviderKind.OFFLINE
    assert "local-model is unreachable" in routed.note
    assert cloud.calls == []


@pytest.mark.parametrize("choice", ["local", "cloud"])
def test_a_failing_model_chosen_explicitly_propagates_its_failure(
    offline: ScriptedTranslator, choice: ProviderChoice
) -> None:
    failure = ModelFailed("the model answered HTTP 429")
    local = ScriptedTranslator(ProviderKind.LOCAL, failure)
    cloud = ScriptedTranslator(ProviderKind.CLOUD, failure)

    with pytest.raises(ModelFailed, match="HTTP 429"):
        ChatRouter(offline, local=local, cloud=cloud).translate(PUBLIC_QUESTION, CONTEXT, choice)

    assert offline.calls == []


def test_a_translation_failure_that_is_not_a_model_failure_is_not_hidden_by_auto(
    offline: ScriptedTranslator,
) -> None:
    cloud = ScriptedTranslator(ProviderKind.CLOUD, TranslationFailed("no SQL returned"))

    with pytest.raises(TranslationFailed, match="no SQL returned"):
        ChatRouter(offline, cloud=cloud).translate(PUBLIC_QUESTION, CONTEXT)

    assert offline.calls == []


# --- providers --------------------------------------------------------------------------------


def test_providers_list_offline_always_and_the_configured_models(
    offline: ScriptedTranslator, local: ScriptedTranslator, cloud: ScriptedTranslator
) -> None:
    assert ChatRouter(offline).providers() == [ProviderKind.OFFLINE]
    assert ChatRouter(offline, cloud=cloud).providers() == [
        ProviderKind.OFFLINE,
        ProviderKind.CLOUD,
    ]
    assert ChatRouter(offline, local=local, cloud=cloud).providers() == [
        ProviderKind.OFFLINE,
        ProviderKind.LOCAL,
        ProviderKind.CLOUD,
    ]
