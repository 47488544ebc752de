"""API load: `GET /api/monitor/coverage` on the sample store, over loopback.

The API runs in its own process (uvicorn, as `tetra serve` runs it) over a copy of
``data/sample.duckdb``, or, without one, a sample store built by the pipeline in a temp
dir. Load comes from an asyncio + httpx generator (32 connections, 10 s after a 1 s
warm-up) and, when installed, from ``wrk`` (same connections and duration). With
``web/dist`` built, ``/usr/bin/chromium`` and ``web/node_modules/playwright-core``, the
monitor page's load is timed in headless Chromium too.

Gate: every answer is 200 and the coverage lists the sample's symbols. Targets (issue #9):
p99 < 50 ms and >= 500 req/s. Run: ``python -m benchmarks.api_load``.

Symbol data (issue #20 item 6), in the same run: ten years of SPY daily bars with three
indicators from 16 connections, as rows (``/api/market/bars/SPY``), as columns
(``/bars/SPY/columns?period=ALL``) and revalidated (If-None-Match, 304), each with
``Accept-Encoding: gzip`` as browsers send, under httpx and then wrk (when installed); and
the bytes of NVDA's ten years in each shape. Target: p99 < 100 ms and >= 150 req/s. Every
load run ends with a line saying whether its target is met. ``--bars-only`` skips the
coverage and the page; ``--store PATH`` loads a copy of that store instead of the sample.
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
BARS_CONNECTIONS, BARS_TARGET_P99_MS, BARS_TARGET_RPS = 16, 100.0, 150.0
THREE = "indicator=sma:20&indicator=sma:50&indicator=rsi:14"
BARS_PATHS = {
    "rows": f"/api/market/bars/SPY?{THREE}",
    "columns": f"/api/market/bars/SPY/columns?period=ALL&{THREE}",
}
# What the symbol page asked for before #17 item 7: every bar of ten years, five indicators.
OLD_PAGE = (
    "indicator=sma:20&indicator=sma:50&indicator=ema:20&indicator=bollinger:20&indicator=rsi:14"
)


def main() -> int:
    if sys.argv[1:2] == ["--serve"]:
        serve(Path(sys.argv[2]), int(sys.argv[3]))
        return 0
    bars_only = "--bars-only" in sys.argv
    given = sys.argv[sys.argv.index("--store") + 1] if "--store" in sys.argv else None
    report: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as folder:
        store = sample_store(Path(folder), Path(given) if given else None)
        with api_server(store) as base:
            if not bars_only:
                report |= coverage_report(base, Path(folder))
            report["bars"] = bars_report(base, Path(folder))
    correct = report.get("correct", True) and report["bars"]["correct"]
    report |= {"correct": correct, "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"api_load-{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%SZ}.json").write_text(
        json.dumps(report, indent=2)
    )
    print(json.dumps(report, indent=2))
    print_verdicts(report)
    return 0 if correct else 1


def print_verdicts(report: dict[str, Any]) -> None:
    """Print one line per load run: its figures and whether it meets its targets."""
    coverage = f"p99 < {TARGET_P99_MS:.0f} ms, >= {TARGET_RPS:.0f} req/s"
    bars = f"p99 < {BARS_TARGET_P99_MS:.0f} ms, >= {BARS_TARGET_RPS:.0f} req/s"
    runs = [("coverage", row, CONNECTIONS, coverage) for row in report.get("load", [])]
    runs += [(row["route"], row, BARS_CONNECTIONS, bars) for row in report["bars"]["load"]]
    for name, row, connections, target in runs:
        verdict = "met" if row["meets_target"] else "MISSED"
        print(
            f"{name:<12} {row['tool']:<5} {connections:>2} conn  {row['rps']:>8.1f} req/s  "
            f"p50 {row['p50_ms']:>7.1f} ms  p99 {row['p99_ms']:>7.1f} ms  errors {row['errors']}"
            f"  target ({target}) {verdict}"
        )


def coverage_report(base: str, folder: Path) -> dict[str, Any]:
    """Load `/api/monitor/coverage` (httpx, and wrk when installed) and time the page."""
    cold_ms, symbols = first_answer(base)
    rows = [{"tool": "httpx", **asyncio.run(httpx_load(base))}]
    if shutil.which("wrk"):
        rows.append({"tool": "wrk", **wrk_load(base, folder)})
    page = page_load(base)
    correct = symbols > 0 and all(row["errors"] == 0 for row in rows)
    for row in rows:
        row["meets_target"] = correct and row["p99_ms"] < TARGET_P99_MS and row["rps"] >= TARGET_RPS
    return {"cold_ms": cold_ms, "symbols": symbols, "correct": correct, "load": rows, "page": page}


def bars_report(base: str, folder: Path) -> dict[str, Any]:
    """Load the bars routes (rows, columns, a 304 revalidation) with httpx, then with wrk when
    installed; measure NVDA's payloads."""
    gzip = {"Accept-Encoding": "gzip"}
    tag = httpx.get(base + BARS_PATHS["columns"], headers={"X-API-Key": KEY} | gzip, timeout=60)
    etag = tag.headers.get("etag", "-")
    runs = {
        "rows": (BARS_PATHS["rows"], gzip, 200),
        "columns": (BARS_PATHS["columns"], gzip, 200),
        "columns_304": (
            BARS_PATHS["columns"],
            gzip | {"If-None-Match": etag},
            304,
        ),
    }
    rows = []
    tools = ["httpx", "wrk"] if shutil.which("wrk") else ["httpx"]
    for tool in tools:
        for name, (path, headers, status) in runs.items():
            if tag.status_code == 404 and name != "rows":
                continue  # a server without the columns route (the code before #20 item 6)
            if tool == "wrk":
                found = wrk_load(base, folder, path, headers, status, BARS_CONNECTIONS)
            else:
                found = asyncio.run(httpx_load(base, path, headers, status, BARS_CONNECTIONS))
            found["meets_target"] = (
                found["errors"] == 0
                and found["p99_ms"] < BARS_TARGET_P99_MS
                and found["rps"] >= BARS_TARGET_RPS
            )
            rows.append({"tool": tool, "route": name, "path": path, **found})
    return {
        "correct": all(r["errors"] == 0 for r in rows),
        "load": rows,
        "nvda": payload_bytes(base),
    }


def payload_bytes(base: str) -> dict[str, Any]:
    """Bytes on the wire for NVDA's ten years in each shape, plain and gzip."""
    paths = {
        "rows_page_before": f"/api/market/bars/NVDA?{OLD_PAGE}",
        "columns_all_3": f"/api/market/bars/NVDA/columns?period=ALL&{THREE}",
        "columns_1y_3": f"/api/market/bars/NVDA/columns?period=1Y&{THREE}",
    }
    sizes: dict[str, Any] = {}
    for name, path in paths.items():
        for coding in ("identity", "gzip"):
            with httpx.stream(
                "GET",
                base + path,
                headers={"X-API-Key": KEY, "Accept-Encoding": coding},
                timeout=60,
            ) as answer:
                raw = b"".join(answer.iter_raw())
            sizes[f"{name}_{coding}"] = len(raw) if answer.status_code == 200 else None
    return sizes


def sample_store(folder: Path, given: Path | None = None) -> Path:
    """Copy `given` or the sample store, or build one with the pipeline; return its path."""
    source = given or SAMPLE
    if source.exists():
        copy = folder / "sample.duckdb"
        shutil.copyfile(source, copy)
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
    app = create_app(store, api_key=KEY, static_dir=static, freeze_startup_heap=True)
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


async def httpx_load(
    base: str,
    path: str = PATH,
    headers: dict[str, str] | None = None,
    status: int = 200,
    connections: int = CONNECTIONS,
) -> dict[str, Any]:
    """Keep `connections` requests in flight for SECONDS; latencies after the warm-up count.

    An answer other than `status` counts as an error.
    """
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    latencies: list[float] = []
    errors = 0
    async with httpx.AsyncClient(
        base_url=base, headers={"X-API-Key": KEY} | (headers or {}), limits=limits, timeout=30
    ) as client:
        loop = asyncio.get_running_loop()
        measure_from = loop.time() + WARM_UP
        stop = measure_from + SECONDS

        async def worker() -> None:
            nonlocal errors
            while (now := loop.time()) < stop:
                response = await client.get(path)
                if now >= measure_from:
                    latencies.append(loop.time() - now)
                    errors += response.status_code != status

        await asyncio.gather(*(worker() for _ in range(connections)))
    ms = np.array(latencies) * 1000
    return {
        "requests": len(ms),
        "errors": errors,
        "rps": round(len(ms) / SECONDS, 1),
        "p50_ms": round(float(np.percentile(ms, 50)), 2),
        "p99_ms": round(float(np.percentile(ms, 99)), 2),
        "max_ms": round(float(ms.max()), 2),
    }


def wrk_script(headers: dict[str, str], status: int) -> str:
    """A wrk script sending the key and `headers`, counting answers other than `status`."""
    sent = {"X-API-Key": KEY} | headers
    lines = [f"wrk.headers[{json.dumps(k)}] = {json.dumps(v)}" for k, v in sent.items()]
    return "\n".join(
        [
            *lines,
            "local threads = {}",
            "function setup(thread) table.insert(threads, thread) end",
            "function init(args) wrong = 0 end",
            f"function response(status) if status ~= {status} then wrong = wrong + 1 end end",
            "function done()",
            "  local n = 0",
            '  for _, t in ipairs(threads) do n = n + t:get("wrong") end',
            '  io.write(string.format("Wrong status: %d\\n", n))',
            "end",
            "",
        ]
    )


def wrk_load(
    base: str,
    folder: Path,
    path: str = PATH,
    headers: dict[str, str] | None = None,
    status: int = 200,
    connections: int = CONNECTIONS,
) -> dict[str, Any]:
    """Run wrk (2 threads, `connections`, SECONDS) and read its latency summary.

    An answer other than `status` counts as an error.
    """
    script = folder / "wrk.lua"
    script.write_text(wrk_script(headers or {}, status))
    command = ["wrk", "-t2", f"-c{connections}", f"-d{int(SECONDS)}s", "--latency"]
    output = subprocess.run(
        [*command, "-s", str(script), base + path], capture_output=True, text=True, check=True
    ).stdout
    socket_errors = re.search(r"Socket errors: (.*)", output)
    failed = sum(map(int, re.findall(r"\d+", socket_errors.group(1)))) if socket_errors else 0
    return {
        "requests": int(_match(r"(\d+) requests in", output)),
        "errors": int(_match(r"Wrong status: (\d+)", output)) + failed,
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
