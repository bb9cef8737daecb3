"""A benchmark killed with SIGTERM still stops what it started."""

from __future__ import annotations

import signal
import subprocess
import sys

from tests.bench_modules import BENCH

SCRIPT = f"""
import asyncio, sys
sys.path.insert(0, {str(BENCH)!r})
from scratch import stop_on_sigterm

async def main():
    stop_on_sigterm()
    try:
        print("started", flush=True)
        await asyncio.sleep(60)
    finally:
        print("stopped what it started", flush=True)

asyncio.run(main())
"""


def test_sigterm_runs_the_cleanup_of_the_blocks_in_progress() -> None:
    process = subprocess.Popen(
        [sys.executable, "-c", SCRIPT], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "started"
    process.send_signal(signal.SIGTERM)
    out, _ = process.communicate(timeout=20)
    assert "stopped what it started" in out
    assert process.returncode != 0, "a cancelled run must not look like a finished one"
