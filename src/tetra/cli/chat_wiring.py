"""Composition of the database chat: its executor, translators and models from settings.

DuckDB: the chat shares the store's database instance through a sandboxed connection (DuckDB
will not open a file read-only in a process that holds it read-write). PostgreSQL: the chat has
its own connection, logged in as the read-only ``tetra_chat`` role when
``TETRA_CHAT__DATABASE_URL`` is set, else on the store URL switched to that role.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from tetra.adapters.llm import OpenAICompatibleModel
from tetra.adapters.stores.duckdb_readonly import DuckDBReadOnly
from tetra.adapters.stores.duckdb_store import DuckDBStore
from tetra.adapters.stores.postgres_readonly import PostgresReadOnly
from tetra.adapters.stores.postgres_store import PostgresStore
from tetra.chat.context import VocabularyCache
from tetra.chat.guard import Dialect
from tetra.chat.llm import LlmTranslator
from tetra.chat.offline import OfflineTranslator
from tetra.chat.policy import TablePolicy
from tetra.chat.pool import ExecutorPool
from tetra.chat.readonly import QueryFailed, ReadOnlyExecutor
from tetra.chat.router import ChatRouter
from tetra.chat.service import ChatService
from tetra.chat.translation import ChatModel, ProviderKind
from tetra.data.migrations import catalog
from tetra.data.migrations.v0003_chat_role import CHAT_ROLE
from tetra.data.ports import Store
from tetra.settings import LlmEndpoint, Settings
from tetra.strategy_chat.proposers import LlmProposer, OfflineProposer, ProposerRouter

__all__ = ["build_chat", "chat_model", "chat_policy", "strategy_router"]

logger = logging.getLogger(__name__)


def build_chat(config: Settings, store: Store, url: str) -> ChatService | None:
    """Return the chat over `store` (opened from `url`), or None when it cannot read it.

    A chat that cannot connect safely (no ``tetra_chat`` role, a wrong login) is left off with
    a warning rather than stopping the server: its routes then answer 503.
    """
    try:
        opened = _executor(config, store, url)
    except QueryFailed as failure:
        logger.warning("the chat is off: %s", failure)
        return None
    if opened is None:
        return None
    executor, dialect = opened
    policy = chat_policy(config)
    local, cloud = chat_model(config.llm_local), chat_model(config.llm_cloud)
    router = ChatRouter(
        OfflineTranslator(VocabularyCache(executor, policy)),
        local=LlmTranslator(local, ProviderKind.LOCAL) if local else None,
        cloud=LlmTranslator(cloud, ProviderKind.CLOUD) if cloud else None,
    )
    summarizers: dict[ProviderKind, ChatModel] = {}
    if local:
        summarizers[ProviderKind.LOCAL] = local
    if cloud:
        summarizers[ProviderKind.CLOUD] = cloud
    return ChatService(
        executor,
        dialect,
        policy,
        router,
        summarizers=summarizers,
        max_rows=config.chat.max_rows,
        export_max_rows=config.chat.export_max_rows,
    )


def chat_policy(config: Settings) -> TablePolicy:
    return TablePolicy.classify(
        catalog(),
        public_schemas=config.chat.public_schemas,
        private_schemas=config.chat.private_schemas,
        public_tables=config.chat.public_tables,
    )


def chat_model(endpoint: LlmEndpoint) -> OpenAICompatibleModel | None:
    """Return the endpoint's model, or None unless both its base URL and model are set."""
    if not endpoint.base_url or not endpoint.model:
        return None
    key = endpoint.api_key.get_secret_value() if endpoint.api_key else None
    return OpenAICompatibleModel(endpoint.base_url, endpoint.model, api_key=key)


def _executor(config: Settings, store: Store, url: str) -> tuple[ReadOnlyExecutor, Dialect] | None:
    """Return a pool of `chat.pool_size` read-only executors over the store, and its dialect."""
    found = _executor_factory(config, store, url)
    if found is None:
        return None
    factory, dialect = found
    pool = ExecutorPool(
        factory, size=config.chat.pool_size, wait_seconds=config.chat.timeout_seconds
    )
    return pool, dialect


def _executor_factory(
    config: Settings, store: Store, url: str
) -> tuple[Callable[[], ReadOnlyExecutor], Dialect] | None:
    timeout = config.chat.timeout_seconds
    if isinstance(store, DuckDBStore):
        return (
            lambda: DuckDBReadOnly.over(store.chat_connection(), timeout_seconds=timeout),
            "duckdb",
        )
    if isinstance(store, PostgresStore):
        login = config.chat.database_url
        if login is not None:
            secret = login.get_secret_value()
            return lambda: PostgresReadOnly(secret, timeout_seconds=timeout), "postgres"
        logger.info("chat: no TETRA_CHAT__DATABASE_URL; using the store URL as %s", CHAT_ROLE)
        return (
            lambda: PostgresReadOnly(url, timeout_seconds=timeout, role=CHAT_ROLE),
            "postgres",
        )
    return None


def strategy_router(config: Settings) -> ProposerRouter:
    """Return the strategy conversation's proposers: offline always, models when configured."""
    local, cloud = chat_model(config.llm_local), chat_model(config.llm_cloud)
    return ProposerRouter(
        OfflineProposer(),
        local=LlmProposer(local, ProviderKind.LOCAL) if local else None,
        cloud=LlmProposer(cloud, ProviderKind.CLOUD) if cloud else None,
    )
