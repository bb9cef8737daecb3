"""End-to-end claims pipeline on real PostgreSQL and Kafka, every service in its own processes.

Throughput: claims/s from HTTP submission to the final ClaimStatusChanged, 5 lines per claim,
offered as fast as the API takes them. Latency: p50/p95/p99 from submission to final status at
a steady offered rate, per stage of the pipeline (``stages``) and per window of the run
(``windows``), with the machine's busy and idle cores meanwhile and how long each process
waited for a core (``runqueue``). Memory: RSS of each process idle and under load. The
machine's speed (``host.py``) is probed again just before the latency run, the system idle,
as ``host_probe_ms_before_latency``.

    python bench/e2e_pipeline.py [--seconds 60] [--rate 200] [--latency-seconds 120]
        [--window-seconds 30] [--workers 1] [--concurrency 64]
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import datetime
import itertools
import os
import statistics
import time
from typing import Any

import httpx
import orjson
from aiokafka import AIOKafkaConsumer
from harness import System, running_system
from host import probe_ms
from rawhttp import Connection
from record import save
from runqueue import read, waiting_for_cores
from stages import event_stamps, group_totals, intake_groups, stage_latencies, summary
from windows import busy_cores, by_window, cpu_times, percentiles

FINAL = {"accepted", "rejected", "pended_auth", "pended_review"}
CODES = ["G0008", "J1100", "99213", "99214", "A0428"]


PATIENTS = itertools.count()

WARM_UP = 5.0
"""Seconds at the start of the latency run that ``latency_ms_after_first_5_s`` leaves out:
going from idle to the offered rate, the workers' batches grow over the first seconds, and
the slowest claims of a run bunch there."""


def claim(_: int = 0) -> dict[str, Any]:
    """A five-line claim for a synthetic patient never billed before in this run (the same
    patient and service twice would be rejected at intake as a duplicate)."""
    i = next(PATIENTS)
    served = (datetime.date.today() - datetime.timedelta(days=7)).isoformat()
    lines = [
        {"code": code, "units": 1, "charge": "20.00", "service_date": served} for code in CODES
    ]
    return {
        "payer_id": "DEMO-PAYER",
        "billing_npi": "1234567893",
        "patient_ref": f"BENCH-{i:08d}",
        "place_of_service": "11",
        "diagnosis_codes": ["J101"],
        "lines": lines,
        "total_charge": "100.00",
    }


class Finals:
    """Follows claims.events and notes when each claim reached a final status."""

    def __init__(self, system: System) -> None:
        self.system = system
        self.at: dict[str, float] = {}
        self.status: dict[str, str] = {}
        self.ready = asyncio.Event()

    async def run(self) -> None:
        consumer = AIOKafkaConsumer(
            f"{self.system.namespace}claims.events",
            bootstrap_servers=self.system.bootstrap,
            auto_offset_reset="latest",
            group_id=None,
        )
        await consumer.start()
        try:
            await consumer.seek_to_end()
            self.ready.set()
            while True:
                batch = await consumer.getmany(timeout_ms=200)
                now = time.monotonic()
                for records in batch.values():
                    for record in records:
                        headers = dict(record.headers)
                        if headers.get("ce_type") != b"claims.claim.status_changed.v1":
                            continue
                        data = orjson.loads(record.value)
                        if data["to_status"] in FINAL:
                            self.at.setdefault(data["claim_id"], now)
                            self.status.setdefault(data["claim_id"], data["to_status"])
        finally:
            await consumer.stop()


class Submitter:
    """Posts claims over keep-alive connections (``rawhttp``: httpx would cost the shared
    cores about a millisecond a request); notes when each accepted claim left and when its
    answer came, counts the rest."""

    def __init__(self, system: System) -> None:
        self.system = system
        self.sent: dict[str, float] = {}
        self.answered: dict[str, float] = {}
        self.failures = 0

    def connection(self) -> Connection:
        return Connection.to(self.system.api, {"X-API-Key": self.system.key})

    async def post(self, connection: Connection, batch: int, started: float) -> None:
        """POST one claim (``batch`` 1) or a batch of claims; ``started`` is when it was due."""
        try:
            if batch == 1:
                status, body = await connection.post("/v1/claims", orjson.dumps(claim(0)))
                ids = [orjson.loads(body)["claim_id"]] if status == 202 else []
            else:
                document = {"claims": [claim(0) for _ in range(batch)]}
                status, body = await connection.post("/v1/claims/batch", orjson.dumps(document))
                items = orjson.loads(body)["items"] if status == 202 else []
                ids = [item["claim"]["claim_id"] for item in items if item.get("claim")]
        except (OSError, asyncio.IncompleteReadError, ValueError, IndexError):
            self.failures += batch
            return
        self.failures += batch - len(ids)
        answered = time.monotonic()
        for claim_id in ids:
            self.sent[claim_id] = started
            self.answered[claim_id] = answered


async def closed_loop(
    system: System, seconds: float, concurrency: int, batch: int = 1
) -> Submitter:
    """Submit as fast as ``concurrency`` clients can for ``seconds``."""
    submitter = Submitter(system)
    deadline = time.monotonic() + seconds

    async def loop() -> None:
        connection = submitter.connection()
        while time.monotonic() < deadline:
            await submitter.post(connection, batch, time.monotonic())
        connection.close()

    await asyncio.gather(*(loop() for _ in range(concurrency)))
    return submitter


async def open_loop(system: System, seconds: float, rate: float) -> Submitter:
    """Submit single claims at a steady ``rate`` per second for ``seconds``, open loop: a claim
    leaves when it is due whether or not earlier ones were answered (latency counts from then)."""
    submitter = Submitter(system)
    due: asyncio.Queue[float | None] = asyncio.Queue()

    async def worker() -> None:
        connection = submitter.connection()
        while (when := await due.get()) is not None:
            await submitter.post(connection, 1, when)
        connection.close()

    workers = [asyncio.create_task(worker()) for _ in range(128)]
    start = time.monotonic()
    for i in range(int(seconds * rate)):
        when = start + i / rate
        await asyncio.sleep(max(0.0, when - time.monotonic()))
        due.put_nowait(when)
    for _ in workers:
        due.put_nowait(None)
    await asyncio.gather(*workers)
    return submitter


async def drain(finals: Finals, sent: dict[str, float], timeout: float) -> None:
    """Wait until every submitted claim is final or ``timeout`` passes."""
    end = time.monotonic() + timeout
    while time.monotonic() < end and any(c not in finals.at for c in sent):
        await asyncio.sleep(0.2)


async def api_group_totals(system: System) -> dict[str, float]:
    """The claims API's group-commit totals, from its ``/metrics``."""
    async with httpx.AsyncClient(timeout=5) as client:
        response = await client.get(f"{system.api}/metrics")
        response.raise_for_status()
    return group_totals(response.text)


async def measure(args: argparse.Namespace) -> dict[str, Any]:
    async with running_system(workers_per_service=args.workers) as system:
        finals = Finals(system)
        follower = asyncio.create_task(finals.run())
        await finals.ready.wait()
        idle = system.rss()
        await open_loop(system, 3, 20)
        cpu_before = system.cpu_seconds()
        loaded_run = await closed_loop(system, args.seconds, args.concurrency, args.batch)
        sent = loaded_run.sent
        loaded = system.rss()
        first, last = min(sent.values()), max(sent.values())
        await drain(finals, sent, 120)
        cpu_after = system.cpu_seconds()
        done = [finals.at[c] for c in sent if c in finals.at]
        throughput = len(done) / (max(done) - first) if done else 0.0
        accepted_rate = len(sent) / (last - first)
        probe = probe_ms()
        groups_before = await api_group_totals(system)
        processes = system.pids() | {"benchmark client": [os.getpid()]}
        machine_before, queues_before = cpu_times(), read(processes)
        steady_started = time.monotonic()
        steady_run = await open_loop(system, args.latency_seconds, args.rate)
        machine = busy_cores(machine_before, cpu_times())
        queues = waiting_for_cores(
            queues_before, read(processes), time.monotonic() - steady_started
        )
        groups = intake_groups(groups_before, await api_group_totals(system), args.latency_seconds)
        steady = steady_run.sent
        await drain(finals, steady, 60)
        latencies = [(finals.at[c] - t) * 1000 for c, t in steady.items() if c in finals.at]
        settled = min(steady.values(), default=0.0) + WARM_UP
        after_warm_up = [
            (finals.at[c] - t) * 1000 for c, t in steady.items() if c in finals.at and t >= settled
        ]
        follower.cancel()
        wall = time.time() - time.monotonic()
        stages = stage_latencies(
            {c: t + wall for c, t in steady.items()},
            {c: t + wall for c, t in finals.at.items()},
            await event_stamps(system.bootstrap, system.namespace, FINAL),
            {c: t + wall for c, t in steady_run.answered.items()},
        )
    return {
        "workers_per_service": args.workers,
        "throughput_seconds": args.seconds,
        "submitted": len(sent),
        "not_accepted": loaded_run.failures,
        "final": len(done),
        "intake_claims_per_s": round(accepted_rate, 1),
        "end_to_end_claims_per_s": round(throughput, 1),
        "latency_rate_per_s": args.rate,
        "host_probe_ms_before_latency": probe,
        "latency_claims": len(steady),
        "latency_not_accepted": steady_run.failures,
        "latency_final": len(latencies),
        "latency_ms": percentiles(latencies),
        "mean_latency_ms": round(statistics.fmean(latencies), 1) if latencies else None,
        "latency_ms_after_first_5_s": percentiles(after_warm_up),
        "latency_ms_by_window": by_window(steady, finals.at, args.window_seconds),
        "machine_cores_during_latency": machine,
        "waiting_for_cores_during_latency": queues,
        "latency_stages_ms": summary(stages),
        "latency_intake_groups": groups,
        "final_statuses": dict(
            collections.Counter(finals.status[c] for c in sent if c in finals.status)
        ),
        "submission": "single POSTs" if args.batch == 1 else f"batches of {args.batch}",
        "cpu_ms_per_claim": {
            name: round((cpu_after[name] - cpu_before.get(name, 0.0)) / max(1, len(done)) * 1000, 2)
            for name in cpu_after
        },
        "rss_mb_idle": idle,
        "rss_mb_loaded": loaded,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--latency-seconds", type=float, default=120)
    parser.add_argument(
        "--window-seconds", type=float, default=30, help="latency reported per this many seconds"
    )
    parser.add_argument("--rate", type=float, default=200)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument(
        "--batch",
        type=int,
        default=1,
        help="claims per POST in the throughput run (1: POST /v1/claims)",
    )
    parser.add_argument("--name", default="")
    args = parser.parse_args()
    result = asyncio.run(measure(args))
    name = args.name or f"e2e_pipeline_w{args.workers}"
    print(orjson.dumps(result, option=orjson.OPT_INDENT_2).decode())
    print(f"written to {save(name, result)}")


if __name__ == "__main__":
    main()
