"""Benchmark: webhook deliveries per second from one worker, end to end.

Rows in the database -> claimed (``FOR UPDATE SKIP LOCKED``, leased, committed) -> signed and
POSTed to a local receiver -> the outcome and the attempt log recorded in new transactions. The
worker is this process running the real delivery scheduler (``open_scheduler``: the webhook
client on the safe transport, limiter, one span per attempt, metrics) on uvloop, as the worker
process runs it, against a real PostgreSQL; the receiver is the signature-verifying uvicorn
process of ``bench/webhook_sender.py``, answering 204 (401 if a signature fails), so it takes
none of the worker's CPU.

Two figures, because the machine may be shared: deliveries per second of wall-clock time, and
deliveries per CPU-second of the worker process (its user + system time while delivering, which
also covers this script's progress poll). The receiver's CPU time, the load average at the
start and the end of the timed part, and how long the worker was ready to run but waited for a
CPU are kept beside them; deliveries over the time it did not wait estimate the rate on a
machine of its own (an estimate: the receiver and the database waited too).

Before timing, ``--subscriptions`` subscriptions and ``--deliveries`` due deliveries (a ~450-byte
CloudEvent each) are written directly. Timing starts when the scheduler starts and ends when the
last delivery is recorded as succeeded; the steady rate is measured between 10% and 90% done
(over the whole run when it is too short to poll both).

``webhook_sender`` is imported from beside this script (Python puts a script's folder first on
its path), so both benchmarks use the same receiver.

Run: ``uv run python bench/webhook_delivery.py [--deliveries 20000] [--subscriptions 100]``.
Uses ``DATABASE_URL`` when set, else starts a private PostgreSQL (pgserver). Prints the figures
and writes ``bench/results/webhook_delivery.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import uvloop
from record import save
from scratch import postgres_server
from sqlalchemy import text
from webhook_sender import start_receiver, wait_until_serving

from claimflow_shared.runtime import Runtime, build_runtime
from claimflow_shared.testing.databases import create_database, drop_database, migrate
from claimflow_shared.webhooks import generate_secret
from notifications.definition import DEFINITION
from notifications.delivery.bootstrap import open_scheduler
from notifications.settings import NotificationsSettings, notifications_settings

TENANT = "bench-tenant"
INSERT_CHUNK = 5_000


def parse_args() -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--deliveries", type=int, default=20_000)
    parser.add_argument("--subscriptions", type=int, default=100)
    parser.add_argument("--batch-size", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=256)
    parser.add_argument("--timeout", type=float, default=600.0)
    parser.add_argument(
        "--loop", choices=["uvloop", "asyncio"], default="uvloop",
        help="the worker's event loop (the worker process runs on uvloop)",
    )  # fmt: skip
    parser.add_argument("--profile", type=Path, help="write cProfile stats of the timed part here")
    return parser.parse_args()


def body(number: int) -> bytes:
    """A claim status change as a structured CloudEvent (synthetic ids)."""
    return orjson.dumps(
        {
            "specversion": "1.0",
            "id": str(uuid.uuid4()),
            "type": "claims.claim.status_changed.v1",
            "source": "/claimflow/claims",
            "subject": f"claim-{number:08d}",
            "time": datetime.now(UTC).isoformat(),
            "datacontenttype": "application/json",
            "data": {
                "claim_id": f"claim-{number:08d}",
                "tenant_id": TENANT,
                "from_status": "received",
                "to_status": "accepted",
                "reason": "all checks passed",
                "changed_at": datetime.now(UTC).isoformat(),
            },
        }
    )


async def seed(runtime: Runtime, args: argparse.Namespace, url: str, secret: str) -> None:
    """Write the subscriptions (all signing with ``secret``) and the due deliveries."""
    box = notifications_settings(runtime.settings).secret_box()
    subscriptions = [uuid.uuid4() for _ in range(args.subscriptions)]
    async with runtime.database.session() as session:
        await session.execute(
            text(
                "INSERT INTO subscriptions (id, tenant_id, url, event_types, enabled, "
                "consecutive_failures, secret_sealed) VALUES (:id, :t, :u, :e, true, 0, :s)"
            ),
            [
                {"id": sid, "t": TENANT, "u": url, "e": ["claims.claim.*"],
                 "s": box.seal(secret, context=sid.bytes)}
                for sid in subscriptions
            ],
        )  # fmt: skip
    for start in range(0, args.deliveries, INSERT_CHUNK):
        numbers = range(start, min(start + INSERT_CHUNK, args.deliveries))
        async with runtime.database.session() as session:
            await session.execute(
                text(
                    "INSERT INTO deliveries (id, tenant_id, subscription_id, event_id, event_type,"
                    " subject, payload, status, attempts, retry_base, next_attempt_at) VALUES"
                    " (:id, :t, :s, :ev, 'claims.claim.status_changed.v1', :sub, :p, 'pending',"
                    " 0, 0, now())"
                ),
                [
                    {"id": uuid.uuid4(), "t": TENANT, "s": subscriptions[n % len(subscriptions)],
                     "ev": f"event-{n}", "sub": f"claim-{n:08d}", "p": body(n)}
                    for n in numbers
                ],
            )  # fmt: skip


async def count_succeeded(runtime: Runtime) -> int:
    """How many deliveries are recorded as succeeded."""
    async with runtime.database.session() as session:
        done = await session.scalar(
            text("SELECT count(*) FROM deliveries WHERE status = 'succeeded'")
        )
    return int(done or 0)


async def deliver_all(runtime: Runtime, args: argparse.Namespace) -> dict[str, Any]:
    """Run the scheduler until every delivery is recorded; return the timings."""
    total = args.deliveries
    progress: list[tuple[float, int]] = []
    async with open_scheduler(runtime) as scheduler:
        load_started = os.getloadavg()[0]
        receiver_started = process_cpu_seconds(args.receiver_pid)
        waited_started = runqueue_wait_seconds()
        started, cpu_started = time.perf_counter(), time.process_time()
        task = asyncio.create_task(scheduler.run())
        try:
            async with asyncio.timeout(args.timeout):
                while True:
                    done = await count_succeeded(runtime)
                    progress.append((time.perf_counter(), done))
                    if done >= total:
                        break
                    await asyncio.sleep(0.1)
        finally:
            elapsed = time.perf_counter() - started
            cpu = time.process_time() - cpu_started
            receiver_cpu = process_cpu_seconds(args.receiver_pid) - receiver_started
            waited = runqueue_wait_seconds() - waited_started
            load_ended = os.getloadavg()[0]
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
    steady = steady_rate(progress, total, started)
    return {
        "elapsed": elapsed, "cpu": cpu, "steady": steady, "receiver_cpu": receiver_cpu,
        "load": (load_started, load_ended), "waited": waited,
    }  # fmt: skip


def steady_rate(progress: list[tuple[float, int]], total: int, started: float) -> float:
    """Deliveries per second between the polls that first saw 10% and 90% done. A run too
    short for two such polls (a few hundred deliveries) gets its rate over the whole run."""
    first = next((s for s in progress if s[1] >= total * 0.1), None)
    last = next((s for s in progress if s[1] >= total * 0.9), None)
    if first is None or last is None or last[0] <= first[0]:
        seconds = progress[-1][0] - started if progress else 0.0
        return progress[-1][1] / seconds if seconds > 0 else 0.0
    return (last[1] - first[1]) / (last[0] - first[0])


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds a process has used so far (Linux ``/proc``; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def runqueue_wait_seconds() -> float:
    """Seconds this process's threads were ready to run but waited for a CPU (Linux; 0 elsewhere).

    On a shared machine this says how much of the wall-clock time other processes took.
    """
    total = 0
    for stat in Path("/proc/self/task").glob("*/schedstat"):
        try:
            total += int(stat.read_text().split()[1])
        except (OSError, IndexError, ValueError):
            continue
    return total / 1e9


async def verify(runtime: Runtime) -> dict[str, int]:
    """Count the statuses and the attempt log after the run."""
    async with runtime.database.session() as session:
        statuses = dict(
            (
                await session.execute(text("SELECT status, count(*) FROM deliveries GROUP BY 1"))
            ).all()
        )
        attempts = await session.scalar(text("SELECT count(*) FROM delivery_attempts"))
        rejected = await session.scalar(
            text("SELECT count(*) FROM delivery_attempts WHERE status_code <> 204")
        )
    return {"statuses": statuses, "attempts": int(attempts or 0), "not_204": int(rejected or 0)}  # type: ignore[dict-item]


async def run(args: argparse.Namespace, port: int, secret: str) -> dict[str, Any]:
    """Set up a database, seed it, deliver everything, and gather the figures."""
    async with postgres_server("claimflow-bench-pg-") as server:
        url = await create_database(server, f"bench_webhooks_{uuid.uuid4().hex[:8]}")
        try:
            await migrate(DEFINITION, url)
            settings = NotificationsSettings(
                database_url=url,
                environment="development",
                delivery_batch_size=args.batch_size,
                delivery_max_concurrency=args.concurrency,
                delivery_poll_seconds=0.05,
            )
            runtime = build_runtime(DEFINITION, settings)
            try:
                await wait_until_serving(port)
                await seed(runtime, args, f"http://127.0.0.1:{port}/hooks", secret)
                profiler = cProfile.Profile() if args.profile else None
                if profiler is not None:
                    profiler.enable()
                timings = await deliver_all(runtime, args)
                if profiler is not None:
                    profiler.disable()
                    profiler.dump_stats(args.profile)
                checked = await verify(runtime)
            finally:
                await runtime.close()
        finally:
            await drop_database(server, url)
    return figures(args, timings, checked)


def figures(
    args: argparse.Namespace, timings: dict[str, Any], checked: dict[str, Any]
) -> dict[str, Any]:
    """The figures to print and keep."""
    total = args.deliveries
    return {
        "benchmark": "webhook_delivery",
        "deliveries": total,
        "subscriptions": args.subscriptions,
        "seconds": round(timings["elapsed"], 3),
        "deliveries_per_second": round(total / timings["elapsed"], 1),
        "steady_deliveries_per_second": round(timings["steady"], 1),
        "worker_cpu_seconds": round(timings["cpu"], 3),
        "deliveries_per_worker_cpu_second": round(total / timings["cpu"], 1),
        "receiver_cpu_seconds": round(timings["receiver_cpu"], 3),
        "worker_waited_for_cpu_seconds": round(timings["waited"], 3),
        "deliveries_per_second_without_cpu_waits": round(
            total / max(timings["elapsed"] - timings["waited"], 1e-9), 1
        ),
        "statuses": checked["statuses"],
        "attempts_logged": checked["attempts"],
        "attempts_not_204": checked["not_204"],
        "batch_size": args.batch_size,
        "concurrency": args.concurrency,
        "load_average_1m_start": round(timings["load"][0], 2),
        "load_average_1m_end": round(timings["load"][1], 2),
        "worker": f"one process: DeliveryScheduler.run() on {args.loop}, spans and metrics on",
        "receiver": "uvicorn (separate process), verifies signatures, answers 204",
        "database": "PostgreSQL on the same machine",
    }


def main() -> None:
    """Start the receiver, run the benchmark, report and save the figures."""
    args = parse_args()
    secret = generate_secret()
    receiver, port = start_receiver(secret)
    args.receiver_pid = receiver.pid
    try:
        runner = uvloop.run if args.loop == "uvloop" else asyncio.run
        result = runner(run(args, port, secret))
    finally:
        receiver.terminate()
        receiver.wait(timeout=10)
    save("webhook_delivery", result)
    print(
        f"{result['deliveries_per_second']} deliveries/s end to end, "
        f"{result['deliveries_per_worker_cpu_second']} deliveries per worker CPU-second "
        f"({result['deliveries']} in {result['seconds']} s, steady "
        f"{result['steady_deliveries_per_second']}/s; worker CPU {result['worker_cpu_seconds']} s, "
        f"receiver CPU {result['receiver_cpu_seconds']} s, worker waited for a CPU "
        f"{result['worker_waited_for_cpu_seconds']} s, so about "
        f"{result['deliveries_per_second_without_cpu_waits']}/s had it never waited; "
        f"statuses {result['statuses']}, "
        f"{result['attempts_not_204']} not 204; load average (1 min) "
        f"{result['load_average_1m_start']} -> {result['load_average_1m_end']} "
        f"on {os.cpu_count()} CPUs)"
    )


if __name__ == "__main__":
    main()
