"""Benchmark: claims intake on real PostgreSQL, through HTTP, to durable state.

The claims app runs under uvicorn (``--workers`` processes, default 2) on a fresh, migrated
database; this process is the load generator. Three measurements:

* JSON batches: ``--batches`` batches of 1,000 claims (``--batch-concurrency`` in flight, on
  as many keep-alive connections); claims/s = claims committed / wall time, the count read back
  from the database. Each connection stays with the uvicorn worker that accepted it, and the
  result says how they were spread: with two in flight, both were on one worker in every run
  checked, and the figure was that worker's alone.
* Single claims at a fixed rate: ``--rate`` POST /v1/claims per second for ``--seconds``,
  open loop (a request leaves at its scheduled time whether or not earlier ones answered);
  latency is counted from the scheduled time, so a stalled server cannot hide behind it.
* X12: ``--x12-files`` synthetic 837P interchanges of ``--x12-claims`` claims (5 lines each,
  1,000 claims per ST) posted one after another; claims/s as above.

Every claim is for a different synthetic patient and dated last week, so intake takes every
one in (no duplicate or timely-filing rejections). PostgreSQL is ``DATABASE_URL`` or a private
pgserver started here.

Run: ``uv run python bench/claims_intake.py [--batches 20] [--rate 200] [--seconds 20]``.
Prints the figures and writes ``bench/results/claims_intake.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import sys
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import psutil
from record import save
from scratch import postgres_server
from sqlalchemy import text

from claimflow.provisioning import create_key
from claimflow_shared.auth.keys import Role
from claimflow_shared.db import connect
from claimflow_shared.testing.databases import create_database, drop_database, migrate
from claimflow_shared.x12.p837 import synthetic
from claims.definition import DEFINITION

SERVED = (date.today() - timedelta(days=7)).isoformat()


def parse_args() -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", type=int, default=20)
    parser.add_argument("--batch-concurrency", type=int, default=4)
    parser.add_argument("--rate", type=float, default=200.0)
    parser.add_argument(
        "--sweep", default="50,100,150", help="lower rates also measured (comma-separated)"
    )
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--x12-files", type=int, default=5)
    parser.add_argument("--x12-claims", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    return parser.parse_args()


def claim(patient: str) -> dict[str, Any]:
    """A two-line claim for a synthetic patient."""
    lines = [
        {
            "code": "99213",
            "modifiers": ["25"],
            "units": 1,
            "charge": "125.00",
            "service_date": SERVED,
            "diagnosis_pointers": [1, 2],
        },
        {"code": "G0008", "units": 1, "charge": "25.00", "service_date": SERVED},
    ]
    return {
        "payer_id": "BENCH-PAYER",
        "billing_npi": "1234567893",
        "patient_ref": patient,
        "place_of_service": "11",
        "diagnosis_codes": ["J101", "R509"],
        "lines": lines,
        "total_charge": "150.00",
    }


def interchange(index: int, claims: int) -> bytes:
    """A synthetic 837P interchange with its own control number and patients, served last week."""
    bodies = [
        synthetic.body(min(1000, claims - start), lines=5, first=index * claims + start)
        for start in range(0, claims, 1000)
    ]
    data = synthetic.interchange([bodies], control=index + 1)
    return data.replace(b"20240115", SERVED.replace("-", "").encode())


def free_port() -> int:
    """An unused loopback port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def tree_cpu_seconds(root: int) -> float:
    """CPU seconds (user + system) of a process and its children, from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    parents: dict[int, int] = {}
    used: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry.name)] = int(fields[1])
        used[int(entry.name)] = (int(fields[11]) + int(fields[12])) / tick
    tree, grew = {root}, True
    while grew:
        grown = tree | {pid for pid, parent in parents.items() if parent in tree}
        grew, tree = grown != tree, grown
    return sum(used.get(pid, 0.0) for pid in tree)


def connections_per_worker(server: int, port: int) -> list[int]:
    """How many of the benchmark's open connections each uvicorn worker of ``server`` holds,
    busiest first: a keep-alive connection stays with the worker that accepted it."""
    held = [
        sum(
            1
            for c in worker.net_connections("tcp")
            if c.status == psutil.CONN_ESTABLISHED and c.laddr and c.laddr.port == port
        )
        for worker in psutil.Process(server).children()
        if "spawn_main" in " ".join(worker.cmdline())  # not multiprocessing's resource tracker
    ]
    return sorted(held, reverse=True)


@asynccontextmanager
async def claims_api(url: str, workers: int) -> AsyncIterator[tuple[str, int]]:
    """The claims app under uvicorn (``workers`` processes) on ``url``; yields its base URL."""
    port = free_port()
    env = os.environ | {
        "CLAIMS_DATABASE_URL": url,
        "CLAIMS_BUS": "memory",
        "CLAIMS_LOG_LEVEL": "WARNING",
    }
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "--factory",
        "claims.main:create_app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--no-access-log",
        "--log-level",
        "warning",
    ]
    process = await asyncio.create_subprocess_exec(*command, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient(base_url=base) as client:
            for _ in range(300):
                try:
                    if (await client.get("/health")).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.1)
            else:
                raise RuntimeError("the claims API did not start")
        yield base, process.pid
    finally:
        process.terminate()
        await asyncio.wait_for(process.wait(), timeout=30)


async def count_claims(url: str) -> int:
    """Claims committed in the database."""
    database = connect(url, pool_size=1)
    try:
        async with database.session() as session:
            return int(await session.scalar(text("SELECT count(*) FROM claims")) or 0)
    finally:
        await database.dispose()


async def json_batches(
    client: httpx.AsyncClient, url: str, args: argparse.Namespace, server: int
) -> dict[str, Any]:
    """Claims/s of 1,000-claim batches, counted back from the database."""
    bodies = [
        {"claims": [claim(f"BATCH-{b}-{i}") for i in range(1000)]} for b in range(args.batches)
    ]
    before = await count_claims(url)
    gate = asyncio.Semaphore(args.batch_concurrency)
    statuses: list[int] = []

    async def send(body: dict[str, Any]) -> None:
        async with gate:
            response = await client.post("/v1/claims/batch", json=body, timeout=120)
            statuses.append(response.status_code)

    started = time.perf_counter()
    await asyncio.gather(*(send(body) for body in bodies))
    seconds = time.perf_counter() - started
    stored = await count_claims(url) - before
    return {
        "batches": args.batches,
        "claims_per_batch": 1000,
        "in_flight": args.batch_concurrency,
        "connections_per_worker": connections_per_worker(server, client.base_url.port or 80),
        "claims_stored": stored,
        "non_202": sum(1 for s in statuses if s != 202),
        "seconds": round(seconds, 3),
        "claims_per_second": round(stored / seconds, 1),
    }


class Connection:
    """One keep-alive HTTP/1.1 connection speaking just enough to POST JSON and read the answer.

    httpx spends about a millisecond of CPU per request and its pool slows down as it grows;
    at 200 requests/s from a process sharing two cores with the server that would measure the
    client, not the server.
    """

    def __init__(self, host: str, port: int, key: str) -> None:
        self.host, self.port, self.key = host, port, key
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post(self, path: str, body: bytes) -> int:
        """Send one request; return the status code once the whole answer is read."""
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        head = (
            f"POST {path} HTTP/1.1\r\nHost: {self.host}\r\nX-API-Key: {self.key}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        )
        self.writer.write(head.encode() + body)
        status_line = await self.reader.readline()
        length = 0
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            if name.lower() == "content-length":
                length = int(value)
        await self.reader.readexactly(length)
        return int(status_line.split()[1])


async def single_claims(
    base: str, key: str, rate: float, seconds: float, server_pid: int
) -> dict[str, Any]:
    """Latency of single-claim POSTs sent open loop at a fixed rate over 64 connections."""
    host, port = base.removeprefix("http://").split(":")
    total = int(rate * seconds)
    tag = uuid.uuid4().hex[:6]
    bodies = [json.dumps(claim(f"ONE-{tag}-{index}")).encode() for index in range(total)]
    queue: asyncio.Queue[tuple[int, float] | None] = asyncio.Queue()
    latencies: list[float] = []
    failures = 0

    async def worker() -> None:
        nonlocal failures
        connection = Connection(host, int(port), key)
        while (job := await queue.get()) is not None:
            index, due = job
            try:
                ok = await connection.post("/v1/claims", bodies[index]) == 202
            except (OSError, asyncio.IncompleteReadError, ValueError, IndexError):
                ok, connection = False, Connection(host, int(port), key)
            latencies.append((time.perf_counter() - due) * 1000)
            failures += 0 if ok else 1

    workers = [asyncio.create_task(worker()) for _ in range(64)]
    cpu_before = tree_cpu_seconds(server_pid)
    start = time.perf_counter() + 0.5
    for index in range(total):
        due = start + index / rate
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
        queue.put_nowait((index, due))
    for _ in workers:
        queue.put_nowait(None)
    await asyncio.gather(*workers)
    elapsed = time.perf_counter() - start
    server_cpu = tree_cpu_seconds(server_pid) - cpu_before
    ordered = sorted(latencies)
    return {
        "rate_per_second": rate,
        "requests": total,
        "server_cpu_ms_per_request": round(server_cpu / total * 1000, 2),
        "achieved_per_second": round(total / elapsed, 1),
        "failures": failures,
        "latency_ms_p50": round(statistics.median(ordered), 2),
        "latency_ms_p95": round(ordered[int(len(ordered) * 0.95) - 1], 2),
        "latency_ms_p99": round(ordered[int(len(ordered) * 0.99) - 1], 2),
        "latency_ms_max": round(ordered[-1], 2),
    }


async def x12_files(
    client: httpx.AsyncClient, url: str, args: argparse.Namespace
) -> dict[str, Any]:
    """Claims/s of 837P interchanges posted one after another."""
    files = [interchange(i, args.x12_claims) for i in range(args.x12_files)]
    before = await count_claims(url)
    taken = 0
    started = time.perf_counter()
    for data in files:
        response = await client.post(
            "/v1/x12/837",
            content=data,
            headers={"content-type": "application/edi-x12"},
            timeout=600,
        )
        taken += sum(1 for c in response.json()["claims"] if c["accepted"])
    seconds = time.perf_counter() - started
    stored = await count_claims(url) - before
    return {
        "files": args.x12_files,
        "claims_per_file": args.x12_claims,
        "lines_per_claim": 5,
        "megabytes_per_file": round(len(files[0]) / 1e6, 2),
        "claims_accepted": taken,
        "claims_stored": stored,
        "seconds": round(seconds, 3),
        "claims_per_second": round(stored / seconds, 1),
    }


async def run(args: argparse.Namespace) -> dict[str, Any]:
    """Set up the database and the API, then measure."""
    async with postgres_server("bench-claims-pg-") as server:
        url = await create_database(server, f"bench_claims_{uuid.uuid4().hex[:8]}")
        try:
            await migrate(DEFINITION, url)
            key = await create_key([url], tenant_id="bench", roles=(Role.SUBMITTER,), name="bench")
            async with claims_api(url, args.workers) as (base, pid):
                headers = {"X-API-Key": key.secret}
                limits = httpx.Limits(max_connections=400, max_keepalive_connections=400)
                async with httpx.AsyncClient(
                    base_url=base, headers=headers, limits=limits
                ) as client:
                    for index in range(50):
                        await client.post("/v1/claims", json=claim(f"WARM-{index}"))
                    batches = await json_batches(client, url, args, pid)
                    rates = [float(r) for r in args.sweep.split(",") if r] + [args.rate]
                    singles = [
                        await single_claims(base, key.secret, rate, args.seconds, pid)
                        for rate in rates
                    ]
                    x12 = await x12_files(client, url, args)
        finally:
            await drop_database(server, url)
    return {"json_batch": batches, "single_claim_by_rate": singles, "x12_837p": x12}


def main() -> None:
    """Measure, print and keep the figures."""
    args = parse_args()
    figures = asyncio.run(run(args))
    result = {
        **figures,
        "server": f"claims app under uvicorn, {args.workers} worker process(es); PostgreSQL here",
        "load_average_1m": round(os.getloadavg()[0], 2),
    }
    print(save("claims_intake", result).read_text(encoding="utf-8"), end="")


if __name__ == "__main__":
    main()
