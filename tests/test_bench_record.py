"""Every benchmark result opens with the same heading, the machine's speed included."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.bench_modules import bench_module


def test_the_probe_times_the_work_it_is_given() -> None:
    host = bench_module("host")
    small = host.probe_ms(rounds=3, loops=5_000)
    large = host.probe_ms(rounds=3, loops=80_000)
    assert 0 < small["min"] <= small["median"]
    assert 0 < large["min"] <= large["median"]
    # sixteen times the work: at least twice the time, however busy the machine is
    assert large["min"] > 2 * small["min"]


def test_a_result_file_has_the_heading_then_the_figures(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    record = bench_module("record")
    monkeypatch.setattr(record, "RESULTS", tmp_path / "results")

    path = record.save("demo", {"claims_per_s": 12.5, "stages": {"review": [1, 2]}})

    assert path == tmp_path / "results" / "demo.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    assert list(data) == [
        "benchmark",
        "measured_at",
        "python",
        "cpus",
        "host_probe_ms",
        "claims_per_s",
        "stages",
    ]
    assert data["benchmark"] == "demo"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", data["measured_at"])
    assert 0 < data["host_probe_ms"]["min"] <= data["host_probe_ms"]["median"]
    assert data["claims_per_s"] == 12.5
    assert data["stages"] == {"review": [1, 2]}
