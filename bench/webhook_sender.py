"""Benchmark: signed webhook deliveries per second from one sender process to a local receiver.

The receiver is a separate process (uvicorn with a minimal ASGI app that verifies the signature
and answers 204, or 401 if it does not verify) on a loopback socket this script binds and hands
over. The sender runs the real delivery path: the safe transport, the per-subscription, per-host
and global limiter, and :func:`notifications.delivery.sender.send`, with ``--concurrency`` tasks
spread over ``--subscriptions`` subscriptions. A warm-up second is not counted.

Run: ``uv run python bench/webhook_sender.py [--seconds 10] [--concurrency 64] [--uvloop]``.
Prints deliveries/s and writes ``bench/results/webhook_sender.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Coroutine, MutableMapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from record import save

from claimflow_shared.webhooks import WebhookVerificationError, generate_secret, verify
from notifications.delivery.concurrency import DeliveryLimiter
from notifications.delivery.config import DeliveryConfig
from notifications.delivery.sender import build_client, send
from notifications.delivery.url_safety import loopback_networks

SECRET_ENV = "BENCH_WEBHOOK_SECRET"
Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


@dataclass
class Tally:
    """Counts and latencies of the measured window."""

    delivered: int = 0
    failed: int = 0
    latencies_ms: list[float] = field(default_factory=list)
    counting: bool = False


def parse_args() -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--warmup", type=float, default=1.0)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--subscriptions", type=int, default=100)
    parser.add_argument("--uvloop", action="store_true", help="run the sender on uvloop")
    parser.add_argument("--serve-fd", type=int, help=argparse.SUPPRESS)
    return parser.parse_args()


async def receiver_app(scope: Scope, receive: Receive, send_: Send) -> None:
    """Verify a webhook and answer 204 (401 if the signature is bad)."""
    if scope["type"] != "http":
        return
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    headers = {name.decode("latin-1"): value.decode("latin-1") for name, value in scope["headers"]}
    try:
        verify(body, headers, os.environ[SECRET_ENV])
        status = 204
    except WebhookVerificationError:
        status = 401
    await send_({"type": "http.response.start", "status": status, "headers": []})
    await send_({"type": "http.response.body", "body": b""})


def serve(fd: int) -> None:
    """Run the receiver on the inherited listening socket."""
    import uvicorn

    uvicorn.run(receiver_app, fd=fd, log_level="warning", access_log=False, lifespan="off")


def start_receiver(secret: str) -> tuple[subprocess.Popen[bytes], int]:
    """Start the receiver process on a loopback socket; return it and its port."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(1024)
    port: int = listener.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, str(Path(__file__).resolve()), "--serve-fd", str(listener.fileno())],
        pass_fds=[listener.fileno()],
        env={**os.environ, SECRET_ENV: secret},
    )
    listener.close()
    return process, port


async def wait_until_serving(port: int) -> None:
    """Return once the receiver answers on ``port``."""
    for _ in range(200):
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            await asyncio.sleep(0.05)
            continue
        writer.close()
        await writer.wait_closed()
        return
    raise RuntimeError("the receiver did not start")


async def run_sender(args: argparse.Namespace, port: int, secret: str) -> dict[str, Any]:
    """Send deliveries for the warm-up and the measured window; return the figures."""
    config = DeliveryConfig(
        require_https=False,
        allowed_networks=loopback_networks(),
        max_concurrency=args.concurrency,
        per_host_concurrency=args.concurrency,
    )
    limiter = DeliveryLimiter.from_config(config)
    tally = Tally()
    stop = asyncio.Event()
    async with build_client(config) as client:
        worker = _worker_factory(
            client, limiter, tally, stop, f"http://127.0.0.1:{port}/hooks", secret
        )
        tasks = [
            asyncio.create_task(worker(n, args.subscriptions)) for n in range(args.concurrency)
        ]
        await asyncio.sleep(args.warmup)
        tally.counting = True
        started, cpu_started = time.perf_counter(), time.process_time()
        await asyncio.sleep(args.seconds)
        tally.counting = False
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        stop.set()
        await asyncio.gather(*tasks)
    return _figures(args, tally, elapsed, cpu)


def _worker_factory(
    client: httpx.AsyncClient,
    limiter: DeliveryLimiter,
    tally: Tally,
    stop: asyncio.Event,
    url: str,
    secret: str,
) -> Callable[[int, int], Coroutine[Any, Any, None]]:
    """Return a worker coroutine that sends deliveries until ``stop`` is set."""

    async def worker(number: int, subscriptions: int) -> None:
        sequence = 0
        while not stop.is_set():
            sequence += 1
            subscription = f"sub-{(number + sequence) % subscriptions}"
            body = json.dumps(
                {"type": "claims.claim.status_changed.v1", "subject": f"claim-{number}-{sequence}",
                 "data": {"from_status": "received", "to_status": "accepted"}}
            ).encode()  # fmt: skip
            async with limiter.slot(subscription_id=subscription, host="127.0.0.1"):
                result = await send(
                    client=client,
                    url=url,
                    webhook_id=f"msg_{number}_{sequence}",
                    timestamp=datetime.now(UTC),
                    body=body,
                    secrets=[secret],
                )
            if tally.counting:
                tally.delivered += result.succeeded
                tally.failed += not result.succeeded
                tally.latencies_ms.append(result.latency_ms)

    return worker


def _figures(args: argparse.Namespace, tally: Tally, elapsed: float, cpu: float) -> dict[str, Any]:
    """Return the measured figures."""
    cuts = statistics.quantiles(tally.latencies_ms, n=100) if len(tally.latencies_ms) > 1 else [0.0]
    return {
        "benchmark": "webhook_sender",
        "deliveries": tally.delivered,
        "failed": tally.failed,
        "seconds": round(elapsed, 3),
        "deliveries_per_second": round(tally.delivered / elapsed, 1),
        "sender_cpu_seconds": round(cpu, 3),
        "deliveries_per_sender_cpu_second": round(tally.delivered / cpu, 1) if cpu else None,
        "load_average_1m": round(os.getloadavg()[0], 2),
        "latency_ms_p50": round(cuts[49] if len(cuts) > 49 else cuts[0], 2),
        "latency_ms_p99": round(cuts[98] if len(cuts) > 98 else cuts[-1], 2),
        "concurrency": args.concurrency,
        "subscriptions": args.subscriptions,
        "sender_loop": "uvloop" if args.uvloop else "asyncio",
        "receiver": "uvicorn (separate process), verifies signatures, answers 204",
    }


def main() -> None:
    """Start the receiver, run the sender, report and save the figures."""
    args = parse_args()
    if args.serve_fd is not None:
        serve(args.serve_fd)
        return
    secret = generate_secret()
    receiver, port = start_receiver(secret)
    try:
        figures = _run(args, port, secret)
    finally:
        receiver.terminate()
        receiver.wait(timeout=10)
    save("webhook_sender", figures)
    print(
        f"{figures['deliveries_per_second']} deliveries/s "
        f"({figures['deliveries']} delivered, {figures['failed']} failed "
        f"in {figures['seconds']} s; "
        f"p50 {figures['latency_ms_p50']} ms, p99 {figures['latency_ms_p99']} ms; "
        f"{figures['deliveries_per_sender_cpu_second']} per sender CPU-second, "
        f"load {figures['load_average_1m']})"
    )


def _run(args: argparse.Namespace, port: int, secret: str) -> dict[str, Any]:
    """Run the sender on the chosen event loop once the receiver answers."""

    async def go() -> dict[str, Any]:
        await wait_until_serving(port)
        return await run_sender(args, port, secret)

    if args.uvloop:
        import uvloop

        return uvloop.run(go())
    return asyncio.run(go())


if __name__ == "__main__":
    main()
