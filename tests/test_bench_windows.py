"""The end-to-end benchmark's latency per window of its run, and the machine's busy cores."""

from __future__ import annotations

import os
import time

import pytest

from tests.bench_modules import bench_module

windows = bench_module("windows")

STAT = "cpu  {user} 0 {system} {idle} {iowait} 0 {softirq} {steal} 0 0\ncpu0 1 2 3 4 5 6 7 8 0 0\n"


def test_each_claim_counts_in_the_window_it_was_sent_in() -> None:
    sent = {"a": 100.0, "b": 109.9, "c": 110.0, "d": 125.0}
    final = {"a": 100.050, "b": 110.000, "c": 110.300, "d": 125.020}

    measured = windows.by_window(sent, final, 10)

    assert measured == [
        {"from_s": 0, "claims": 2, "p50": 50.0, "p99": 100.0},
        {"from_s": 10, "claims": 1, "p50": 300.0, "p99": 300.0},
        {"from_s": 20, "claims": 1, "p50": 20.0, "p99": 20.0},
    ]


def test_claims_never_final_and_empty_windows_are_left_out() -> None:
    sent = {"a": 0.0, "lost": 5.0, "b": 25.0}
    final = {"a": 0.010, "b": 25.030}

    measured = windows.by_window(sent, final, 10, quantiles=(99,))

    assert [(w["from_s"], w["claims"], w["p99"]) for w in measured] == [(0, 1, 10.0), (20, 1, 30.0)]
    assert windows.by_window({}, {}, 10) == []


def test_percentiles_name_each_quantile_and_nothing_for_no_values() -> None:
    values = [float(ms) for ms in range(1, 101)]

    assert windows.percentiles(values) == {"p50": 51.0, "p95": 95.0, "p99": 99.0}
    assert windows.percentiles(values, (99.9,)) == {"p99.9": 100.0}
    assert windows.percentiles([]) == {}


def test_busy_idle_and_stolen_cores_come_from_the_kernels_count() -> None:
    tick = os.sysconf("SC_CLK_TCK")
    before = windows.cpu_times(
        lambda: STAT.format(user=0, system=0, idle=0, iowait=0, softirq=0, steal=0)
    )
    after = windows.cpu_times(
        lambda: STAT.format(
            user=12 * tick,
            system=3 * tick,
            idle=1 * tick,
            iowait=1 * tick,
            softirq=1 * tick,
            steal=2 * tick,
        )
    )
    assert before is not None and after is not None
    # ten seconds of a two-core machine: 16 s busy, 2 s idle (iowait included), 2 s stolen
    after = windows.CpuTimes(before.at + 10, after.busy, after.idle, after.steal)

    assert windows.busy_cores(before, after) == {"busy": 1.6, "idle": 0.2, "stolen": 0.2}


def test_no_reading_means_no_figure() -> None:
    def missing() -> str:
        raise FileNotFoundError("/proc/stat")

    assert windows.cpu_times(missing) is None
    assert windows.busy_cores(None, None) is None


@pytest.mark.skipif(not os.path.exists("/proc/stat"), reason="a kernel without /proc/stat")
def test_the_machine_counts_time_as_it_passes() -> None:
    before = windows.cpu_times()
    time.sleep(0.1)
    after = windows.cpu_times()
    assert before is not None and after is not None
    assert after.busy + after.idle > before.busy + before.idle
