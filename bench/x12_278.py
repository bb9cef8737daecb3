"""Benchmark: 278 requests per second, read + mapped, and 278 responses rendered for them.

Builds one synthetic interchange of 2,000 request sets (three service levels each, every request
clean), then times, in this process and best of three by CPU time: reading it with
``Request278Reader`` (envelope checks, shape, mapping to the review) and rendering the 278
responses with an HCR per service. CPU time is reported beside wall time because a shared
machine stretches wall time. No database: the HTTP path adds the intake the JSON API has.

Run: ``uv run python bench/x12_278.py [--requests 2000] [--runs 3]``.
Prints the figures and writes ``bench/results/x12_278.json``.
"""

from __future__ import annotations

import argparse
import time
from datetime import UTC, datetime

from record import save

from claimflow_shared.x12.p278 import (
    Request278Read,
    Request278Reader,
    Response278,
    ReviewOutcome,
    ServiceDecision,
    render_278_responses,
)
from claimflow_shared.x12.p278.synthetic import RequestSpec, ServiceSpec, interchange, request
from claimflow_shared.x12.writer import ControlNumbers

SERVICES = (ServiceSpec(), ServiceSpec("97110", ("GP",), "12"), ServiceSpec("K0001"))


def build(count: int) -> bytes:
    """One interchange of `count` clean requests."""
    bodies = [
        request(RequestSpec(trace=f"T{n}", services=SERVICES), reference=f"R{n}")
        for n in range(count)
    ]
    return interchange(bodies)


def run_once(data: bytes) -> dict[str, float]:
    """Read and answer the interchange once; return wall and CPU seconds per stage."""
    wall, cpu = time.perf_counter(), time.process_time()
    reader = Request278Reader()
    reads = [e for e in reader.read(data) if isinstance(e, Request278Read)]
    read_wall, read_cpu = time.perf_counter() - wall, time.process_time() - cpu
    assert all(r.actionable for r in reads)
    decision = ServiceDecision("A4")
    responses = [
        Response278(r, ReviewOutcome("ref", {s.hl_id: decision for s in r.review.services}))
        for r in reads
        if r.review is not None
    ]
    wall, cpu = time.perf_counter(), time.process_time()
    text = render_278_responses(
        responses, reader.acknowledgment, ControlNumbers(1, 1), sent_at=datetime.now(UTC)
    )
    assert text is not None and text.count("HCR*A4") == 3 * len(reads)
    return {
        "read_wall": read_wall,
        "read_cpu": read_cpu,
        "render_wall": time.perf_counter() - wall,
        "render_cpu": time.process_time() - cpu,
    }


def main() -> None:
    """Time the runs, print and store the best."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    data = build(args.requests)
    best = min((run_once(data) for _ in range(args.runs)), key=lambda r: r["read_cpu"])
    figures = {
        "requests": args.requests,
        "bytes": len(data),
        "read_requests_per_cpu_second": round(args.requests / best["read_cpu"]),
        "render_responses_per_cpu_second": round(args.requests / best["render_cpu"]),
        **{key: round(value, 4) for key, value in best.items()},
    }
    for key, value in figures.items():
        print(f"{key:34} {value}")
    save("x12_278", figures)


if __name__ == "__main__":
    main()
