"""How fast the machine runs a fixed piece of Python at the moment it is asked.

This VM's speed drifts from hour to hour on unchanged code (``docs/performance.md`` has
examples: in one sitting, 20 s runs of the same code at 200 claims/s gave a p99 from 181 to
274 ms). Every result file therefore carries ``host_probe_ms``: the same pure-Python work,
timed several times in a row once the benchmark's own processes have stopped. Under ``make
bench`` the shared PostgreSQL and broker stay up, idle. The end-to-end benchmark also probes
just before its latency run, its system idle. Comparing the probes of two results tells
whether a figure moved with the code or with the machine.

The work is the standard library only, so a dependency update never changes what is timed.
"""

from __future__ import annotations

import statistics
import time
from typing import Any

LOOPS = 40_000
"""Iterations of the fixed work: about 20 ms on this VM (2026-11-25)."""


def fixed_work(loops: int = LOOPS) -> int:
    """Dict building, string formatting and arithmetic, the interpreter's everyday work."""
    total = 0
    for i in range(loops):
        line: dict[str, Any] = {"code": f"{i:05d}", "units": i % 7, "modifiers": [str(i % 3)]}
        total += len(line["code"]) + line["units"] + len(line["modifiers"])
    return total


def probe_ms(rounds: int = 7, loops: int = LOOPS) -> dict[str, float]:
    """Time ``fixed_work`` ``rounds`` times; the fastest round (the machine's speed) and the
    median (how much else wanted a core meanwhile), in milliseconds."""
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        fixed_work(loops)
        times.append((time.perf_counter() - started) * 1000)
    return {"min": round(min(times), 2), "median": round(statistics.median(times), 2)}
