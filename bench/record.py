"""Where a benchmark's figures go: ``bench/results/<name>.json``, one file per measurement.

Every file opens the same way: which benchmark, when (UTC), which Python, how many CPUs, and
``host_probe_ms``, how fast the machine ran a fixed piece of Python as the file was written
(``host.py``). The benchmark's own figures follow.
"""

from __future__ import annotations

import json
import os
import platform
import time
from pathlib import Path
from typing import Any

from host import probe_ms

RESULTS = Path(__file__).resolve().parent / "results"


def save(name: str, figures: dict[str, Any]) -> Path:
    """Write ``figures`` under the common heading to ``bench/results/<name>.json``; return the
    file. Call it once the benchmark's own processes have stopped, so the probe times the
    machine rather than the benchmark."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    result = {
        "benchmark": name,
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "host_probe_ms": probe_ms(),
        **figures,
    }
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(result, indent=2, default=str) + "\n", encoding="utf-8")
    return path
