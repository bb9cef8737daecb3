"""How a steady run went over time: its latency window by window, and how busy the machine was.

One p99 over a whole run hides when the slow claims came. On this VM they come in bursts, a few
seconds at a time (``docs/performance.md``), so the end-to-end benchmark also cuts its latency
run into windows of submission time and gives each window's percentiles. Windows that agree
measured the code; a single bad window met a slow patch of the machine, or, as the first
window, the seconds right after the throughput run.

``busy_cores`` reads the kernel's own count of CPU time (``/proc/stat``), every process and
the kernel included: the benchmark's processes, its client, and whatever else ran. At 200
claims/s the two cores of this VM are nearly all busy, which is why the tail moves so much
with the machine.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

STAT = "/proc/stat"
BUSY_FIELDS = (0, 1, 2, 5, 6)
"""``user``, ``nice``, ``system``, ``irq`` and ``softirq`` in the ``cpu`` line (guest time is
counted in ``user`` and ``nice`` already)."""
IDLE_FIELDS = (3, 4)
"""``idle`` and ``iowait``."""
STEAL_FIELD = 7
"""``steal``: time the VM wanted a core and the hypervisor gave it to someone else."""


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0–100) of ``values``, nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def percentiles(
    values: list[float], quantiles: tuple[float, ...] = (50, 95, 99)
) -> dict[str, float]:
    """``{"p50": …, "p95": …, "p99": …}`` of ``values``, rounded to 0.1; empty for none."""
    return {f"p{q:g}": round(percentile(values, q), 1) for q in quantiles} if values else {}


def by_window(
    sent: Mapping[str, float],
    final: Mapping[str, float],
    seconds: float,
    quantiles: tuple[float, ...] = (50, 99),
) -> list[dict[str, float]]:
    """Latency percentiles (ms) of the claims sent in each ``seconds`` of the run, in order.

    A claim belongs to the window it was sent in; claims that never became final are left
    out, and so is a window that ends up with none.
    """
    if not sent:
        return []
    start = min(sent.values())
    windows: dict[int, list[float]] = {}
    for claim, at in sent.items():
        if claim in final:
            windows.setdefault(int((at - start) // seconds), []).append((final[claim] - at) * 1000)
    return [
        {"from_s": index * seconds, "claims": len(values)} | percentiles(values, quantiles)
        for index, values in sorted(windows.items())
    ]


@dataclass(frozen=True, slots=True)
class CpuTimes:
    """The machine's CPU time so far (seconds, all cores together) and when it was read."""

    at: float
    busy: float
    idle: float
    steal: float


def cpu_times(read: Callable[[], str] | None = None) -> CpuTimes | None:
    """The machine's busy, idle and stolen CPU time from ``/proc/stat``; None where there is
    none."""
    try:
        text = read() if read is not None else _read_stat()
    except OSError:
        return None
    fields = [int(value) for value in text.split("\n", 1)[0].split()[1:]]
    ticks = os.sysconf("SC_CLK_TCK")
    return CpuTimes(
        at=time.monotonic(),
        busy=sum(fields[i] for i in BUSY_FIELDS) / ticks,
        idle=sum(fields[i] for i in IDLE_FIELDS) / ticks,
        steal=fields[STEAL_FIELD] / ticks,
    )


def busy_cores(before: CpuTimes | None, after: CpuTimes | None) -> dict[str, float] | None:
    """Cores busy, idle and stolen on average between two readings."""
    if before is None or after is None or after.at <= before.at:
        return None
    elapsed = after.at - before.at
    return {
        "busy": round((after.busy - before.busy) / elapsed, 3),
        "idle": round((after.idle - before.idle) / elapsed, 3),
        "stolen": round((after.steal - before.steal) / elapsed, 3),
    }


def _read_stat() -> str:
    with open(STAT, encoding="ascii") as stat:
        return stat.read()
