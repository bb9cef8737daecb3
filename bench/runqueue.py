"""How long each process of a run waited for a core, from the kernel's scheduler statistics.

``/proc/<pid>/task/<tid>/schedstat`` holds three counts for a thread: nanoseconds it ran on a
CPU, nanoseconds it waited on a run queue (ready to run, every core taken), and the slices it
ran. Summed over a process's threads and read around a run, they say how much of each hop's
time went to waiting for a core rather than to work. At 200 claims/s on this 2-core VM the
processes on a claim's path spent more time waiting for a core than running
(``docs/performance.md``), which is why the latency's tail follows the machine so closely.

Only threads seen in both readings count: a process or thread that started or ended in between
(an autovacuum worker, a short-lived connection) is left out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

PROC = Path("/proc")


@dataclass(frozen=True, slots=True)
class SchedStat:
    """One thread's counts so far: nanoseconds running, nanoseconds waiting, slices run."""

    running_ns: int
    waiting_ns: int
    slices: int

    def __add__(self, other: SchedStat) -> SchedStat:
        return SchedStat(
            self.running_ns + other.running_ns,
            self.waiting_ns + other.waiting_ns,
            self.slices + other.slices,
        )

    def __sub__(self, other: SchedStat) -> SchedStat:
        return SchedStat(
            self.running_ns - other.running_ns,
            self.waiting_ns - other.waiting_ns,
            self.slices - other.slices,
        )


NONE = SchedStat(0, 0, 0)


Reading = dict[str, dict[tuple[int, int], SchedStat]]
"""Per named group of processes, each thread's counts, keyed by (pid, tid)."""


def read_threads(pid: int, proc: Path = PROC) -> dict[tuple[int, int], SchedStat]:
    """The counts of every thread of ``pid``; nothing when it is gone or the kernel keeps none."""
    counts = {}
    try:
        tasks = list((proc / str(pid) / "task").iterdir())
    except OSError:
        return {}
    for task in tasks:
        try:
            running, waiting, slices = (task / "schedstat").read_text().split()[:3]
        except (OSError, ValueError):
            continue
        counts[(pid, int(task.name))] = SchedStat(int(running), int(waiting), int(slices))
    return counts


def read(
    groups: Mapping[str, Iterable[int]],
    threads: Callable[[int], dict[tuple[int, int], SchedStat]] = read_threads,
) -> Reading:
    """The counts of every thread of every process in ``groups`` (name to its pids)."""
    reading: Reading = {}
    for name, pids in groups.items():
        reading[name] = {}
        for pid in pids:
            reading[name].update(threads(pid))
    return reading


def waiting_for_cores(
    before: Reading, after: Reading, seconds: float
) -> dict[str, dict[str, float]] | None:
    """Per group and in all: cores running and cores' worth of threads waiting, on average over
    ``seconds``, and the mean wait before a slice (µs). None when the kernel kept no counts."""
    if seconds <= 0 or not any(before.values()):
        return None
    report: dict[str, dict[str, float]] = {}
    everyone = NONE
    for name, now in after.items():
        then = before.get(name, {})
        group = sum((now[thread] - then[thread] for thread in now.keys() & then.keys()), NONE)
        everyone += group
        report[name] = _figures(group, seconds)
    report["all"] = _figures(everyone, seconds)
    return report


def _figures(counts: SchedStat, seconds: float) -> dict[str, float]:
    return {
        "running_cores": round(counts.running_ns / 1e9 / seconds, 3),
        "waiting_cores": round(counts.waiting_ns / 1e9 / seconds, 3),
        "wait_per_slice_us": round(counts.waiting_ns / 1e3 / counts.slices, 1)
        if counts.slices
        else 0.0,
    }
