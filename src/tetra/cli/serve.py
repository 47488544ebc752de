"""`tetra serve`: the API (and the built web app) on 127.0.0.1 unless told otherwise."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import typer

from tetra.cli.common import KIND_OPTION, console, settings, store_url
from tetra.compute import Executor
from tetra.data.ports import Store
from tetra.data.store_kind import StoreKind
from tetra.ml.tracking import Tracker
from tetra.reports.delivery import MailSettings
from tetra.settings import Settings

WEB_DIST = Path(__file__).resolve().parents[3] / "web" / "dist"
OPENAPI_FILE = Path(__file__).resolve().parents[3] / "web" / "openapi.json"


def serve(
    sample: bool = KIND_OPTION,
    host: str | None = typer.Option(None, help="Interface to bind (default: 127.0.0.1)."),
    port: int | None = typer.Option(None, help="Port (default: 8000)."),
) -> None:
    """Serve the API and, when built, the web app; print the URL and the API key."""
    import uvicorn

    from tetra.adapters.stores import open_store
    from tetra.api.app import create_app
    from tetra.api.deps import api_key_for
    from tetra.cli.chat_wiring import build_chat, strategy_router

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
        mail=_mail(config),
        jobs=config.jobs,
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
    try:
        uvicorn.run(app, host=bind_host, port=bind_port, log_level="warning")
    finally:
        store.close()


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
