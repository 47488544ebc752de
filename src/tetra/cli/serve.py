"""`tetra serve`: the API (and the built web app) on 127.0.0.1 unless told otherwise."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from tetra.adapters.stores import serving
from tetra.cli.common import KIND_OPTION, console, settings, store_url
from tetra.compute import Executor
from tetra.data.ports import Store
from tetra.data.store_kind import StoreKind
from tetra.ml.tracking import Tracker
from tetra.reports.delivery import MailSettings
from tetra.settings import Settings

if TYPE_CHECKING:
    import uvicorn

WEB_DIST = Path(__file__).resolve().parents[3] / "web" / "dist"
OPENAPI_FILE = Path(__file__).resolve().parents[3] / "web" / "openapi.json"


def serve(
    sample: bool = KIND_OPTION,
    host: str | None = typer.Option(None, help="Interface to bind (default: 127.0.0.1)."),
    port: int | None = typer.Option(None, help="Port (default: 8000)."),
) -> None:
    """Serve the API and, when built, the web app; print the URL and the API key.

    While it serves an embedded (DuckDB) store, `tetra pipeline`, the daily cycle and the
    other store commands run from another terminal or the scheduler are handed to it.
    """
    import uvicorn

    from tetra.adapters.stores import open_store
    from tetra.api.app import create_app
    from tetra.api.deps import api_key_for
    from tetra.cli.chat_wiring import build_chat, strategy_router
    from tetra.cli.hosted import HostedCommands

    config = settings()
    kind = StoreKind.SAMPLE if sample else StoreKind.LIVE
    key = api_key_for(config)
    url = store_url(kind, config)
    store = open_store(url, kind)
    _sweep_abandoned_runs(store)
    chat = build_chat(config, store, url)
    web_dir = config.web_dir or WEB_DIST
    static = str(web_dir) if (web_dir / "index.html").exists() else None
    app = create_app(
        store,
        api_key=key,
        cors_origins=config.cors_origins,
        redis_url=config.redis_url,
        static_dir=static,
        chat=chat,
        tracker=_tracker,  # MLflow opens on the first /api/ml request, not at start
        simulation_executor=_simulation_executor(config),
        scenario_dirs=[config.scenario_dir],
        strategy_proposers=strategy_router(config),
        risk_policy_dir=config.risk_policy_dir,
        mail=_mail(config),
        jobs=config.jobs,
        commands=HostedCommands(),
        freeze_startup_heap=True,
    )
    bind_host, bind_port = host or config.api_host, port or config.api_port
    console.print(f"Tetra on http://{bind_host}:{bind_port} ({kind} store)")
    console.print(
        f"API key: {key}   (header X-API-Key; stored in {Path(config.data_dir) / 'api_key'})"
    )
    if chat is not None:
        providers = ", ".join(k.value for k in chat.router.providers())
        console.print(f"Chat: /chat and /api/chat ({providers}; see `tetra chat --help`)")
    if static is None:
        console.print("[yellow]web app not built[/]: `make web` builds it; the API runs alone.")
    server = uvicorn.Server(
        uvicorn.Config(app, host=bind_host, port=bind_port, log_level="warning")
    )
    try:
        with hosting(store, kind, key, server):
            server.run()
    finally:
        store.close()


@contextmanager
def hosting(store: Store, kind: StoreKind, key: str, server: uvicorn.Server) -> Iterator[None]:
    """Host an embedded store while the server runs: shared in-process, announced to others.

    Other processes find the serving record once the server answers and hand their commands
    to it (`tetra.cli.handoff`); the record goes when the server stops. PostgreSQL and
    in-memory stores need neither.
    """
    from tetra.adapters.stores.duckdb_store import DuckDBStore

    path = getattr(store, "path", ":memory:")
    if not isinstance(store, DuckDBStore) or path == ":memory:":
        yield
        return
    serving.host(path, store)
    announcer = threading.Thread(
        target=_announce, args=(server, path, kind, key), name="serving-record", daemon=True
    )
    announcer.start()
    # uvicorn stops gracefully on SIGTERM, then raises it again: exit through `finally` then.
    previous = signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:
        yield
    finally:
        serving.unhost(path)
        store.end_sharing()  # the server's own close then closes the file
        serving.remove_record(path, os.getpid())
        signal.signal(signal.SIGTERM, previous)


def _exit_on_sigterm(signum: int, _: object) -> None:
    raise SystemExit(128 + signum)


def _announce(server: uvicorn.Server, path: str, kind: StoreKind, key: str) -> None:
    while not server.started:
        if server.should_exit:
            return
        time.sleep(0.05)
    host, port = server.servers[0].sockets[0].getsockname()[:2]
    host = {"0.0.0.0": "127.0.0.1", "::": "::1"}.get(host, host)
    url = f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"
    started = dt.datetime.now(dt.UTC).isoformat()
    serving.write_record(path, serving.ServingRecord(url, os.getpid(), key, str(kind), started))


def _sweep_abandoned_runs(store: Store) -> None:
    """Mark pipeline runs whose process died (left `running`) as abandoned, and say so."""
    from tetra.core.clock import SystemClock
    from tetra.data.pipeline import mark_abandoned

    marked = mark_abandoned(store, SystemClock().now(), by="server start-up")
    if marked:
        console.print(f"[yellow]marked {len(marked)} dead pipeline run(s) abandoned[/]")


def _simulation_executor(config: Settings) -> Callable[[], Executor]:
    """Ray when configured; else a local pool of threads (never fork the server)."""
    from tetra.adapters.compute import open_executor

    workers = config.simulation.workers
    return lambda: open_executor(
        config.ray.address, workers=workers, kind="thread", ray_cpus=config.ray.num_cpus
    )


def openapi_document() -> dict[str, object]:
    """Return the API's OpenAPI document (no store needed)."""
    from tetra.api.app import create_app
    from tetra.testing import InMemoryStore

    return create_app(InMemoryStore(), api_key="unused").openapi()


def _tracker() -> Tracker:
    """The configured tracker, made when the Models routes first need it."""
    from tetra.cli.ml import tracker

    return tracker()


def write_openapi(path: Path = OPENAPI_FILE) -> None:
    """Write the OpenAPI document where the web client is generated from."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps(openapi_document(), indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    console.print(f"wrote {path}")


def _mail(config: Settings) -> MailSettings:
    """Return where `/api/reports/{id}/send` emails: the [smtp] settings."""
    from tetra.cli.report import mailer_of

    smtp = config.smtp
    return MailSettings(mailer_of(config), smtp.sender, tuple(smtp.recipients))
