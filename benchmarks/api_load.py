"""API load: `GET /api/monitor/coverage` on the sample store, over loopback.

The API runs in its own process (uvicorn, as `tetra serve` runs it) over a copy of
``data/sample.duckdb``, or, without one, a sample store built by the pipeline in a temp
dir. Load comes from an asyncio + httpx generator (32 connections, 10 s after a 1 s
warm-up) and, when installed, from ``wrk`` (same connections and duration). With
``web/dist`` built, ``/usr/bin/chromium`` and ``web/node_modules/playwright-core``, the
monitor page's load is timed in headless Chromium too.

Gate: every answer is 200 and the coverage lists the sample's symbols. Targets (issue #9):
p99 < 50 ms and >= 500 req/s. Run: ``python -m benchmarks.api_load``.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample.duckdb"
WEB_DIST = ROOT / "web" / "dist"
PLAYWRIGHT = ROOT / "web" / "node_modules" / "playwright-core"
CHROMIUM = Path("/usr/bin/chromium")
RESULTS = ROOT / "benchmarks" / "results"
PATH = "/api/monitor/coverage"
KEY = "bench-key"
CONNECTIONS, SECONDS, WARM_UP = 32, 10.0, 1.0
TARGET_P99_MS, TARGET_RPS = 50.0, 500.0


def main() -> int:
    if sys.argv[1:2] == ["--serve"]:
        serve(Path(sys.argv[2]), int(sys.argv[3]))
        return 0
    with tempfile.TemporaryDirectory() as folder, api_server(sample_store(Path(folder))) as base:
        cold_ms, symbols = first_answer(base)
        rows = [{"tool": "httpx", **asyncio.run(httpx_load(base))}]
        if shutil.which("wrk"):
            rows.append({"tool": "wrk", **wrk_load(base, Path(folder))})
        page = page_load(base)
    correct = symbols > 0 and all(row["errors"] == 0 for row in rows)
    for row in rows:
        row["meets_target"] = correct and row["p99_ms"] < TARGET_P99_MS and row["rps"] >= TARGET_RPS
    report = {"cold_ms": cold_ms, "symbols": symbols, "correct": correct, "load": rows}
    report |= {"page": page, "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"api_load-{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%SZ}.json").write_text(
        json.dumps(report, indent=2)
    )
    print(json.dumps(report, indent=2))
    return 0 if correct else 1


def sample_store(folder: Path) -> Path:
    """Copy the sample store, or build one with the pipeline; return its path."""
    if SAMPLE.exists():
        copy = folder / "sample.duckdb"
        shutil.copyfile(SAMPLE, copy)
        return copy
    os.environ["TETRA_DATA_DIR"] = str(folder)
    from tetra.cli.sample import backfill_sample

    backfill_sample()
    return folder / "sample.duckdb"


def serve(store_path: Path, port: int) -> None:
    """Run the API over `store_path` like `tetra serve` does (the web app too, when built)."""
    import uvicorn

    from tetra.adapters.stores import open_store
    from tetra.api.app import create_app
    from tetra.data.store_kind import StoreKind

    store = open_store(store_path, StoreKind.SAMPLE)
    static = str(WEB_DIST) if (WEB_DIST / "index.html").exists() else None
    app = create_app(store, api_key=KEY, static_dir=static)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


@contextlib.contextmanager
def api_server(store_path: Path) -> Iterator[str]:
    """Start the API in a child process on a free port; yield its base URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "benchmarks.api_load", "--serve", str(store_path), str(port)]
    child = subprocess.Popen(command, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base, child)
        yield base
    finally:
        child.terminate()
        child.wait(30)


def wait_until_up(base: str, child: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if child.poll() is not None:
            raise RuntimeError(f"the API exited with {child.returncode}")
        with contextlib.suppress(httpx.TransportError):
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                return
        time.sleep(0.1)
    raise RuntimeError("the API did not start within 60 s")


def first_answer(base: str) -> tuple[float, int]:
    """Time the first (uncached) coverage answer; return it and the symbols it lists."""
    started = time.perf_counter()
    answer = httpx.get(base + PATH, headers={"X-API-Key": KEY}, timeout=60)
    elapsed = (time.perf_counter() - started) * 1000
    answer.raise_for_status()
    return round(elapsed, 1), len(answer.json()["symbols"])


async def httpx_load(base: str) -> dict[str, Any]:
    """Keep CONNECTIONS requests in flight for SECONDS; latencies after the warm-up count."""
    limits = httpx.Limits(max_connections=CONNECTIONS, max_keepalive_connections=CONNECTIONS)
    latencies: list[float] = []
    errors = 0
    async with httpx.AsyncClient(
        base_url=base, headers={"X-API-Key": KEY}, limits=limits, timeout=30
    ) as client:
        loop = asyncio.get_running_loop()
        measure_from = loop.time() + WARM_UP
        stop = measure_from + SECONDS

        async def worker() -> None:
            nonlocal errors
            while (now := loop.time()) < stop:
                response = await client.get(PATH)
                if now >= measure_from:
                    latencies.append(loop.time() - now)
                    errors += response.status_code != 200

        await asyncio.gather(*(worker() for _ in range(CONNECTIONS)))
    ms = np.array(latencies) * 1000
    return {
        "requests": len(ms),
        "errors": errors,
        "rps": round(len(ms) / SECONDS, 1),
        "p50_ms": round(float(np.percentile(ms, 50)), 2),
        "p99_ms": round(float(np.percentile(ms, 99)), 2),
        "max_ms": round(float(ms.max()), 2),
    }


WRK_SCRIPT = f'wrk.headers["X-API-Key"] = "{KEY}"\n'


def wrk_load(base: str, folder: Path) -> dict[str, Any]:
    """Run wrk (2 threads, CONNECTIONS connections, SECONDS) and read its latency summary."""
    script = folder / "key.lua"
    script.write_text(WRK_SCRIPT)
    command = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{int(SECONDS)}s", "--latency"]
    output = subprocess.run(
        [*command, "-s", str(script), base + PATH], capture_output=True, text=True, check=True
    ).stdout
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: (.*)", output)
    return {
        "requests": int(_match(r"(\d+) requests in", output)),
        "errors": int(non_2xx.group(1)) if non_2xx else 0,
        "socket_errors": socket_errors.group(1) if socket_errors else None,
        "rps": round(float(_match(r"Requests/sec:\s+([\d.]+)", output)), 1),
        "p50_ms": _wrk_ms(_match(r"^\s*50%\s+(\S+)", output)),
        "p99_ms": _wrk_ms(_match(r"^\s*99%\s+(\S+)", output)),
        "max_ms": _wrk_ms(_match(r"Latency\s+\S+\s+\S+\s+(\S+)", output)),
    }


def _match(pattern: str, text: str) -> str:
    found = re.search(pattern, text, re.MULTILINE)
    if found is None:
        raise RuntimeError(f"wrk output without {pattern!r}:\n{text}")
    return found.group(1)


def _wrk_ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()  # type: ignore[union-attr]
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[unit]
    return round(float(number) * scale, 2)


PAGE_SCRIPT = """
const { chromium } = require(process.env.PLAYWRIGHT);
(async () => {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM });
  const runs = [];
  for (let i = 0; i < 5; i++) {
    const context = await browser.newContext();
    await context.addInitScript((key) => {
      localStorage.setItem('tetra.apiKey', JSON.stringify(key));
    }, process.env.KEY);
    const page = await context.newPage();
    const started = Date.now();
    const api = [];
    page.on('response', (r) => {
      const url = new URL(r.url());
      if (url.pathname.startsWith('/api/') || url.pathname === '/healthz')
        api.push({ path: url.pathname, status: r.status(), ms: Date.now() - started });
    });
    await page.goto(process.env.BASE + '/monitor', { waitUntil: 'load' });
    const loaded = Date.now() - started;
    await page.waitForLoadState('networkidle');
    const idle = Date.now() - started;
    const nav = await page.evaluate(() => performance.getEntriesByType('navigation')[0].toJSON());
    runs.push({ load_ms: loaded, networkidle_ms: idle, api,
                dom_content_loaded_ms: Math.round(nav.domContentLoadedEventEnd) });
    await context.close();
  }
  await browser.close();
  console.log(JSON.stringify(runs));
})().catch((e) => { console.error(e); process.exit(1); });
"""


def page_load(base: str) -> dict[str, Any]:
    """Time the monitor page in headless Chromium (5 fresh contexts: a cold cache each).

    Medians of DOMContentLoaded, load and network idle (every API call answered), and the
    API calls the page made with their statuses.
    """
    missing = [str(p) for p in (WEB_DIST / "index.html", CHROMIUM, PLAYWRIGHT) if not p.exists()]
    if missing or shutil.which("node") is None:
        return {"skipped": f"needs node and {', '.join(missing) or 'node'}"}
    env = {**os.environ, "PLAYWRIGHT": str(PLAYWRIGHT), "CHROMIUM": str(CHROMIUM)}
    env |= {"BASE": base, "KEY": KEY}
    done = subprocess.run(
        ["node", "-e", PAGE_SCRIPT], capture_output=True, text=True, env=env, timeout=180
    )
    if done.returncode != 0:
        return {"skipped": f"chromium run failed: {done.stderr.strip()[-500:]}"}
    runs = json.loads(done.stdout)
    keys = ("dom_content_loaded_ms", "load_ms", "networkidle_ms")
    summary: dict[str, Any] = {k: int(np.median([r[k] for r in runs])) for k in keys}
    calls = sorted({f"{c['path']} {c['status']}" for r in runs for c in r["api"]})
    return {"runs": len(runs), **summary, "api_calls": calls}


if __name__ == "__main__":
    sys.exit(main())
