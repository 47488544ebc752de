"""`create_app`: the FastAPI application, its middleware, routers and shared state.

Every route but `/healthz` requires the API key. CORS is closed unless origins are set.
Blocking store calls run in the thread pool (`deps.blocking`). Prometheus metrics at
`/metrics` count requests and time them per route template. Answers of 1 KB and more are
gzip-compressed for clients that accept it; bar answers are cached encoded (`payloads`).
"""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import Depends, FastAPI, Request, Response
from fastapi.middleware.cors import CORSMiddleware
from starlette.middleware.gzip import GZipMiddleware

from tetra import __version__
from tetra.adapters.metrics.prometheus import CONTENT_TYPE, PrometheusTelemetry
from tetra.api.cache import TtlCache
from tetra.api.command_jobs import CommandJobs, CommandRunner
from tetra.api.deps import blocking, require_api_key, require_metrics_key
from tetra.api.errors import ERROR_RESPONSES, install_error_handlers
from tetra.api.events import EventHub
from tetra.api.metrics import RequestMetrics
from tetra.api.payloads import GZIP_LEVEL, GZIP_MINIMUM_BYTES, PayloadCache
from tetra.api.routes import (
    backtests,
    books,
    health,
    live,
    macro,
    market,
    ml,
    monitor,
    pipeline,
    reports,
    risk,
    simulation,
    strategy_chat,
    trading,
    universe,
    walk_forward,
)
from tetra.api.routes import chat as chat_routes
from tetra.api.routes import jobs as jobs_routes
from tetra.chat.service import ChatService
from tetra.compute import Executor
from tetra.core.clock import Clock, SystemClock
from tetra.core.errors import TetraError
from tetra.core.telemetry import install
from tetra.data.ports import Store
from tetra.ml.tracking import Tracker
from tetra.reports.delivery import MailSettings
from tetra.risk.killswitch import KillSwitchBoard
from tetra.settings import JobsSettings
from tetra.strategy_chat.proposers import OfflineProposer, ProposerRouter
from tetra.strategy_chat.service import StoreMarketSource, StrategyChat

log = logging.getLogger(__name__)

COVERAGE_TTL_SECONDS = 300.0  # a backstop: runs that change the store clear the cache at once
PAYLOAD_CACHE_BYTES = 64 * 1024 * 1024  # encoded bar answers (about 150 ten-year charts)


def create_app(
    store: Store,
    *,
    api_key: str,
    cors_origins: list[str] | None = None,
    redis_url: str | None = None,
    static_dir: str | None = None,
    chat: ChatService | None = None,
    tracker: Tracker | Callable[[], Tracker] | None = None,
    simulation_executor: Callable[[], Executor] | None = None,
    scenario_dirs: list[Path] | None = None,
    strategy_proposers: ProposerRouter | None = None,
    risk_policy_dir: Path | None = None,
    mail: MailSettings | None = None,
    jobs: JobsSettings | None = None,
    commands: CommandRunner | None = None,
    freeze_startup_heap: bool = False,
) -> FastAPI:
    """Build the API over `store`; `static_dir` serves the built web app at `/`.

    `chat` enables `/api/chat` (without it those routes answer 503); the app closes it.
    `tracker` (experiment tracking, MLflow, or a factory called on first use) enables the
    runs and models of `/api/ml`.
    `simulation_executor` makes the executor Monte Carlo runs use (default: a local pool
    of two threads); `scenario_dirs` hold the user's scenario files.
    `strategy_proposers` turn ideas into specs in `/api/strategy-chat` (default: the offline
    parser alone); `risk_policy_dir` holds the named risk policies a spec may run under.
    `mail` (a mailer, sender and default recipients) lets `/api/reports/{id}/send` email.
    `commands` runs CLI commands clients hand over (`/api/jobs/commands`; 503 without it).
    `freeze_startup_heap` (for a server process, as `tetra serve`): once started, move every
    object then alive out of the cyclic collector's reach (`gc.freeze`), so a full collection
    scans only what requests made since; left off where one process builds many apps (tests),
    since frozen cycles are never collected.
    """
    hub = EventHub()

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if redis_url:
            await hub.connect_redis(redis_url)
        if freeze_startup_heap:
            _freeze_heap()
        yield
        await app.state.cache.aclose()
        await hub.close()
        if chat is not None:
            chat.close()
        app.state.strategy_chat.close()

    app = FastAPI(
        title="Tetra API",
        version=__version__,
        description=(
            "Data coverage, market data, pipeline runs, backtests and the database chat of a "
            "Tetra store."
        ),
        lifespan=lifespan,
    )
    app.state.store, app.state.api_key, app.state.hub = store, api_key, hub
    app.state.jobs_settings = jobs or JobsSettings()
    app.state.chat = chat
    app.state.tracker = tracker
    app.state.simulation_executor = simulation_executor
    app.state.scenario_dirs = list(scenario_dirs or [])
    app.state.cache = TtlCache(COVERAGE_TTL_SECONDS)
    app.state.payloads = PayloadCache(PAYLOAD_CACHE_BYTES, COVERAGE_TTL_SECONDS)
    proposers = strategy_proposers or ProposerRouter(OfflineProposer())
    app.state.strategy_chat = StrategyChat(proposers, StoreMarketSource(store), risk_policy_dir)
    app.state.clock = SystemClock()
    app.state.mail = mail
    app.state.command_jobs = None if commands is None else CommandJobs(commands, hub)
    install_error_handlers(app)
    app.add_middleware(GZipMiddleware, minimum_size=GZIP_MINIMUM_BYTES, compresslevel=GZIP_LEVEL)
    _install_metrics(app)
    if cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=cors_origins,
            allow_methods=["*"],
            allow_headers=["X-API-Key", "Content-Type"],
        )
    app.include_router(health.router)
    guarded = [Depends(require_api_key)]
    routers = (
        monitor,
        market,
        macro,
        universe,
        pipeline,
        backtests,
        walk_forward,
        risk,
        simulation,
        live,
        chat_routes,
        strategy_chat,
        ml,
        trading,
        reports,
        books,
        jobs_routes,
    )
    for module in routers:
        app.include_router(module.router, dependencies=guarded)
    if static_dir:
        from tetra.api.static import mount_web_app

        mount_web_app(app, static_dir)
    return app


def _freeze_heap() -> None:
    # The modules, the app and its routes are hundreds of thousands of objects that live as long
    # as the process: scanning them made each full collection a ~110 ms stall of every request
    # (the p99 of the bar routes); after the freeze a full collection takes ~13 ms.
    gc.collect()
    gc.freeze()


def _install_metrics(app: FastAPI) -> None:
    sink = PrometheusTelemetry()
    install(sink)
    app.add_middleware(RequestMetrics, registry=sink.registry)

    @app.get(
        "/metrics",
        tags=["health"],
        summary="Prometheus metrics (Authorization: Bearer <API key>, or X-API-Key)",
        dependencies=[Depends(require_metrics_key)],
        response_class=Response,
        responses={401: ERROR_RESPONSES[401]},
    )
    async def metrics(request: Request) -> Response:
        state = request.app.state
        await blocking(_publish_store_gauges, state.store, state.clock)
        return Response(sink.exposition(), media_type=CONTENT_TYPE)


def _publish_store_gauges(store: Store, clock: Clock) -> None:
    """Set the gauges whose truth is in the store, at scrape time: the kill switches.

    Another process (the CLI, the scheduler) may have changed them since this one did.
    """
    try:
        KillSwitchBoard(store, clock)  # publishes every switch as it reads them
    except TetraError as error:  # a store not ready must not stop the scrape
        log.warning("kill switches not read for /metrics: %s", error)
