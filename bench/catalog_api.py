"""Benchmark: code lookups and free-text search through HTTP over more than 100,000 codes.

The catalog holds the real HCPCS, ICD-10-CM (April 2026), POS and PPRRVU data plus the RVU's CPT
codes with made-up descriptors. The API runs as ``claimflow api code-catalog`` (uvicorn, one
process) in a subprocess; this process loads it at ``--concurrency`` requests in flight
(default 8, and 1 to show the latency without queueing) for ``--seconds`` per scenario, and
reports p50/p90/p99 latency as the client sees it, requests per second, the server's CPU per
request and its RSS. The client is ``rawhttp`` (tens of microseconds a request), not httpx,
whose own cost would otherwise dominate the figures. ``/health`` (no database, no key) runs
too, as the floor of the HTTP stack itself. The load generator shares the machine's cores
with the server and its database.

Run: ``uv run python bench/catalog_api.py [--seconds 20] [--concurrency 8]``; uses DATABASE_URL's
server or starts a private one. Writes ``bench/results/catalog_api.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import psutil
from catalog_setup import (
    catalog_database,
    code_set_requests,
    import_all,
    write_result,
)
from rawhttp import Connection
from scratch import postgres_server, scratch_folder

from claimflow.provisioning import create_key
from claimflow_shared.auth.keys import Role
from claimflow_shared.db import connect
from code_catalog.testing.harness import rows

QUERIES = (
    "flu vaccine admin",
    "knee arthroscopy",
    "type 2 diabetes",
    "diabetes with kidney disease",
    "fracture of femur",
    "ambulance",
    "wheelchair",
    "insulin",
    "injection",
    "hypertension",
    "covid",
    "pneumonia",
    "asthma",
    "migraine",
    "hip replacement",
    "mri",
    "ct scan",
    "oxygen",
    "crutches",
    "dexamethasone",
    "chemotherapy",
    "dialysis",
    "pregnancy",
    "depression",
    "heart failure",
    "copd",
    "uti",
    "sprain of ankle",
    "glucose monitor",
    "hearing aid",
    "prosthesis",
    "catheter",
    "laceration of hand",
    "burn",
    "sepsis",
)
SCENARIOS = ("health", "lookup", "search")


def parse_args() -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--seed", type=int, default=7)
    return parser.parse_args()


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_api(url: str, port: int, log: Path) -> subprocess.Popen[bytes]:
    """``claimflow api code-catalog`` in its own process."""
    env = {**os.environ, "CATALOG_DATABASE_URL": url, "CATALOG_LOG_LEVEL": "WARNING"}
    command = [sys.executable, "-m", "claimflow.cli", "api", "code-catalog", "--port", str(port)]
    with log.open("wb") as out:
        return subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)


async def wait_ready(base: str) -> None:
    """Poll /health until the API answers."""
    async with httpx.AsyncClient(base_url=base) as client:
        for _ in range(300):
            try:
                if (await client.get("/health")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError("the API did not start")


async def run(
    connect: Callable[[], Connection],
    request: Callable[[], tuple[str, dict[str, str]]],
    seconds: float,
    concurrency: int,
    server: psutil.Process,
) -> dict[str, Any]:
    """Send requests from ``concurrency`` connections for ``seconds``; latency per request."""
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds

    async def worker() -> None:
        nonlocal errors
        connection = connect()
        while time.perf_counter() < deadline:
            path, params = request()
            started = time.perf_counter()
            status, _ = await connection.get(path, params)
            latencies.append(time.perf_counter() - started)
            errors += status != 200
        connection.close()

    cpu_before = sum(server.cpu_times()[:2])
    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    server_cpu = sum(server.cpu_times()[:2]) - cpu_before
    ordered = sorted(latencies)
    ms = [value * 1000 for value in ordered]
    return {
        "requests": len(ms),
        "errors": errors,
        "requests_per_second": round(len(ms) / elapsed, 1),
        "server_cpu_ms_per_request": round(server_cpu / len(ms) * 1000, 3),
        "p50_ms": round(statistics.median(ms), 2),
        "p90_ms": round(ms[int(len(ms) * 0.90)], 2),
        "p99_ms": round(ms[int(len(ms) * 0.99)], 2),
        "max_ms": round(ms[-1], 2),
    }


async def measure(
    base: str, key: str, codes: list[str], args: argparse.Namespace, server: psutil.Process
) -> dict[str, Any]:
    """Warm up, then run each scenario."""
    rng = random.Random(args.seed)
    scenarios: dict[str, Callable[[], tuple[str, dict[str, str]]]] = {
        "health": lambda: ("/health", {}),
        "lookup": lambda: (f"/v1/codes/{rng.choice(codes)}", {"as_of": "2026-05-01"}),
        "search": lambda: ("/v1/codes/search", {"q": rng.choice(QUERIES), "limit": "20"}),
    }

    def connect() -> Connection:
        return Connection.to(base, {"X-API-Key": key})

    figures: dict[str, Any] = {}
    for name in SCENARIOS:
        for concurrency in sorted({1, args.concurrency}):
            label = f"{name}_concurrency_{concurrency}"
            await run(connect, scenarios[name], 2.0, concurrency, server)
            figures[label] = await run(connect, scenarios[name], args.seconds, concurrency, server)
            print(label, figures[label], flush=True)
    return figures


async def main() -> None:
    """Load the catalog, start the API, measure, stop."""
    args = parse_args()
    with scratch_folder("catalog-bench-api-") as folder:
        async with postgres_server("catalog-bench-pg-") as server, catalog_database(server) as url:
            await import_all(url, code_set_requests(folder))
            database = connect(url, pool_size=1)
            sample = await rows(
                database, "SELECT code FROM codes WHERE current ORDER BY md5(code) LIMIT 20000"
            )
            total = await rows(database, "SELECT count(*) FROM codes WHERE current")
            await database.dispose()
            key = await create_key([url], tenant_id="bench", roles=(Role.SUBMITTER,), name="bench")
            port = free_port()
            api = start_api(url, port, folder / "api.log")
            try:
                await wait_ready(f"http://127.0.0.1:{port}")
                figures = await measure(
                    f"http://127.0.0.1:{port}",
                    key.secret,
                    [code for (code,) in sample],
                    args,
                    psutil.Process(api.pid),
                )
                server_rss = psutil.Process(api.pid).memory_info().rss / 2**20
            finally:
                api.terminate()
                api.wait(timeout=20)
    write_result(
        "catalog_api",
        {
            "codes": total[0][0],
            "concurrency": args.concurrency,
            "seconds": args.seconds,
            "server": "claimflow api code-catalog (uvicorn, 1 process)",
            "server_rss_mib": round(server_rss, 1),
            **figures,
        },
    )


if __name__ == "__main__":
    asyncio.run(main())
