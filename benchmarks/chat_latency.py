"""Chat latency: question to SQL, and guarded SQL to rows, on the sample store.

In process over httpx's ASGI transport (no network; the API's own routing, validation and
thread pool), the offline translator on both stores: DuckDB (the sample file, copied) and
PostgreSQL (the same rows copied into a throwaway database, read as the ``tetra_chat`` role).
Each question is asked and its SQL executed ``ROUNDS`` times; p50 and p95 per question.

Gate: the offline translator answers every chosen question correctly (the evaluation set's
reference SQL gives the same rows), and every timed call answers 200 with accepted SQL.
Run: ``python -m benchmarks.chat_latency`` (or ``make bench-chat``) after ``tetra demo``.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
import time
from pathlib import Path

import httpx
import numpy as np

from tetra.adapters.stores import open_store
from tetra.api.app import create_app
from tetra.chat.evaluation import EvalQuestion, load_questions, run_eval
from tetra.cli.chat_wiring import build_chat
from tetra.data.migrations import catalog
from tetra.data.ports import Query, Store
from tetra.data.store_kind import StoreKind
from tetra.settings import Settings
from tetra.testing.postgres import throwaway_database

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample.duckdb"
ROUNDS = 20
QUESTION_IDS = (
    "latest-close-aapl",
    "return-spy-30-days",
    "movers-top5-gainers-3m",
    "compare-spy-qqq-since-2024",
    "macro-latest-10y",
    "news-sentiment-nvda",
)
HEADERS = {"X-API-Key": "bench"}


def main() -> None:
    if not SAMPLE.exists():
        raise SystemExit("no data/sample.duckdb: run `tetra demo` first")
    questions = {q.id: q for q in load_questions()}
    chosen = [questions[i] for i in QUESTION_IDS]
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / "sample.duckdb"
        shutil.copy(SAMPLE, copy)
        duck = open_store(copy, StoreKind.SAMPLE)
        _report("duckdb", asyncio.run(_measure(duck, str(copy), chosen)))
        with throwaway_database("tetra_bench_chat") as url:
            pg = open_store(url, StoreKind.SAMPLE)
            _copy_rows(duck, pg)
            _report("postgres", asyncio.run(_measure(pg, url, chosen)))
            pg.close()
        duck.close()


def _copy_rows(source: Store, target: Store) -> None:
    for name in catalog():
        if name.startswith(("market_data.", "economic_data.", "news.", "events.")):
            frame = source.read(Query(name))
            if len(frame):
                target.upsert(name, frame)


async def _measure(
    store: Store, url: str, chosen: list[EvalQuestion]
) -> dict[str, tuple[list[float], list[float]]]:
    chat = build_chat(Settings(), store, url)
    assert chat is not None
    gate = run_eval(chat.router.offline, chat.executor, chat.context(), chosen)
    assert gate.correct == gate.total, gate.to_markdown()
    app = create_app(store, api_key="bench", chat=chat)
    timings: dict[str, tuple[list[float], list[float]]] = {}
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://b", headers=HEADERS) as c:
        for question in chosen:
            asked, ran = timings.setdefault(question.question, ([], []))
            for _ in range(ROUNDS):
                started = time.perf_counter()
                answer = await c.post("/api/chat/query", json={"question": question.question})
                asked.append(time.perf_counter() - started)
                assert answer.status_code == 200, answer.text
                assert answer.json()["accepted"], answer.text
                started = time.perf_counter()
                result = await c.post("/api/chat/execute", json={"sql": answer.json()["sql"]})
                ran.append(time.perf_counter() - started)
                assert result.status_code == 200, result.text
    chat.close()
    return timings


def _report(store: str, timings: dict[str, tuple[list[float], list[float]]]) -> None:
    print(f"\n{store}: offline translator, {ROUNDS} rounds, ms (p50 / p95)")
    print(f"{'question':52s} {'ask':>15s} {'execute':>15s}")
    for question, (asked, ran) in timings.items():
        print(f"{question[:52]:52s} {_pct(asked):>15s} {_pct(ran):>15s}")


def _pct(samples: list[float]) -> str:
    ms = np.array(samples) * 1000
    return f"{np.percentile(ms, 50):6.1f} / {np.percentile(ms, 95):6.1f}"


if __name__ == "__main__":
    main()
