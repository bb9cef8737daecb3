"""How long the end-to-end benchmark's processes waited for a core (``bench/runqueue.py``)."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.bench_modules import bench_module

runqueue = bench_module("runqueue")


def _thread(proc: Path, pid: int, tid: int, running: int, waiting: int, slices: int) -> None:
    task = proc / str(pid) / "task" / str(tid)
    task.mkdir(parents=True, exist_ok=True)
    (task / "schedstat").write_text(f"{running} {waiting} {slices}\n")


def _reader(proc: Path) -> Callable[[int], dict[tuple[int, int], object]]:
    """Reads threads from the fake ``/proc`` at ``proc``."""
    return lambda pid: runqueue.read_threads(pid, proc)


def test_every_thread_of_a_process_is_read(tmp_path: Path) -> None:
    _thread(tmp_path, 40, 40, 1_000, 2_000, 3)
    _thread(tmp_path, 40, 41, 10, 20, 1)

    assert runqueue.read_threads(40, tmp_path) == {
        (40, 40): runqueue.SchedStat(1_000, 2_000, 3),
        (40, 41): runqueue.SchedStat(10, 20, 1),
    }
    assert runqueue.read_threads(99, tmp_path) == {}


def test_running_and_waiting_cores_per_group_and_in_all(tmp_path: Path) -> None:
    _thread(tmp_path, 1, 1, 0, 0, 0)
    _thread(tmp_path, 2, 2, 0, 0, 0)
    _thread(tmp_path, 2, 3, 0, 0, 0)
    groups = {"api": [1], "postgresql": [2]}
    threads = _reader(tmp_path)
    before = runqueue.read(groups, threads)
    # ten seconds: the API ran 4 s and waited 6 s over 1,000 slices; PostgreSQL's two
    # threads ran 1 + 1 s and waited 0.5 + 0.5 s over 4,000 slices
    _thread(tmp_path, 1, 1, 4 * 10**9, 6 * 10**9, 1_000)
    _thread(tmp_path, 2, 2, 10**9, 5 * 10**8, 2_000)
    _thread(tmp_path, 2, 3, 10**9, 5 * 10**8, 2_000)

    measured = runqueue.waiting_for_cores(before, runqueue.read(groups, threads), 10)

    assert measured == {
        "api": {"running_cores": 0.4, "waiting_cores": 0.6, "wait_per_slice_us": 6000.0},
        "postgresql": {"running_cores": 0.2, "waiting_cores": 0.1, "wait_per_slice_us": 250.0},
        "all": {"running_cores": 0.6, "waiting_cores": 0.7, "wait_per_slice_us": 1400.0},
    }


def test_threads_seen_only_once_are_left_out(tmp_path: Path) -> None:
    _thread(tmp_path, 7, 7, 10**9, 10**9, 10)
    _thread(tmp_path, 7, 8, 10**9, 10**9, 10)  # ends before the second reading
    before = runqueue.read({"worker": [7]}, _reader(tmp_path))
    (tmp_path / "7" / "task" / "8" / "schedstat").unlink()
    (tmp_path / "7" / "task" / "8").rmdir()
    _thread(tmp_path, 7, 7, 2 * 10**9, 10**9, 20)
    _thread(tmp_path, 7, 9, 5 * 10**9, 5 * 10**9, 50)  # starts after the first reading
    after = runqueue.read({"worker": [7]}, _reader(tmp_path))

    measured = runqueue.waiting_for_cores(before, after, 1)

    assert measured is not None
    assert measured["worker"] == {
        "running_cores": 1.0,
        "waiting_cores": 0.0,
        "wait_per_slice_us": 0.0,
    }


def test_no_counts_and_no_time_give_no_figure(tmp_path: Path) -> None:
    nothing = runqueue.read({"gone": [12345]}, _reader(tmp_path))

    assert nothing == {"gone": {}}
    assert runqueue.waiting_for_cores(nothing, nothing, 10) is None
    _thread(tmp_path, 5, 5, 1, 1, 1)
    some = runqueue.read({"api": [5]}, _reader(tmp_path))
    assert runqueue.waiting_for_cores(some, some, 0) is None


@pytest.mark.skipif(
    not os.path.exists(f"/proc/{os.getpid()}/task/{os.getpid()}/schedstat"),
    reason="a kernel that keeps no scheduler statistics",
)
def test_this_process_running_time_advances_as_it_works() -> None:
    groups = {"benchmark client": [os.getpid()]}
    before = runqueue.read(groups)
    deadline = time.process_time() + 0.05
    while time.process_time() < deadline:
        pass
    after = runqueue.read(groups)

    measured = runqueue.waiting_for_cores(before, after, 1)

    assert measured is not None
    assert measured["benchmark client"]["running_cores"] >= 0.04
