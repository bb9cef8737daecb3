"""Where the end-to-end pipeline's CPU goes: by process, and inside each by layer of the stack.

Saturates the distributed system as ``e2e_pipeline`` does (single POSTs, one worker per
service), samples every service process with py-spy for ``--seconds``, and charges each sample
to a layer (``layers``): claimflow's own code, SQLAlchemy, asyncpg, aiokafka, OpenTelemetry,
the HTTP server, pydantic, or the event loop. Each process's CPU over the same window, divided
by the claims that reached their final status in it, gives its cost per claim; its layers
share that cost as they share its samples. PostgreSQL and the broker are not sampled, only
timed.

py-spy reads the processes' memory, so it needs ptrace rights over them (root, or
``CAP_SYS_PTRACE``). Its own CPU shares the two cores, so the claims/s while it samples are
lower than ``e2e_pipeline``'s. The raw profiles are kept under ``.data/profiles/`` in py-spy's
folded-stack format (speedscope and inferno draw them).

    python bench/e2e_profile.py [--seconds 20] [--warm-up 5] [--rate 100] [--concurrency 64]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import sys
import time
from pathlib import Path
from typing import Any

import psutil
from e2e_pipeline import Finals, closed_loop, open_loop
from harness import System, running_system
from layers import FRAMEWORKS, layer_samples, shares
from record import save

ROOT = Path(__file__).resolve().parents[1]
PROFILES = ROOT / ".data" / "profiles" / "e2e"


def py_spy() -> str:
    """The py-spy beside this interpreter (the project's environment), else on the PATH."""
    beside = Path(sys.executable).parent / "py-spy"
    found = str(beside) if beside.exists() else shutil.which("py-spy")
    if found is None:
        raise SystemExit("py-spy not found: `make install` puts it in the project's environment")
    return found


async def sample(pid: int, output: Path, seconds: float, rate: int) -> None:
    """Record one process for ``seconds`` with py-spy; fail with its own words if it cannot."""
    recorder = await asyncio.create_subprocess_exec(
        py_spy(),
        "record",
        "--pid",
        str(pid),
        "--duration",
        str(round(seconds)),
        "--rate",
        str(rate),
        "--format",
        "raw",
        "--full-filenames",
        "--nonblocking",  # the process is never paused; a sample may rarely be torn
        "--output",
        str(output),
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    _, errors = await recorder.communicate()
    if recorder.returncode != 0:
        raise SystemExit(
            f"py-spy could not sample pid {pid} (it needs ptrace rights: root or "
            f"CAP_SYS_PTRACE): {errors.decode(errors='replace').strip()}"
        )


async def profile(system: System, args: argparse.Namespace) -> dict[str, Any]:
    """Saturate, sample every service process, and cost each layer per claim."""
    finals = Finals(system)
    follower = asyncio.create_task(finals.run())
    await finals.ready.wait()
    await open_loop(system, 3, 20)
    load = asyncio.create_task(
        closed_loop(system, args.warm_up + args.seconds + 2, args.concurrency)
    )
    await asyncio.sleep(args.warm_up)
    client = psutil.Process()
    cpu_before, client_before = system.cpu_seconds(), _cpu(client)
    final_before, started = len(finals.at), time.monotonic()
    PROFILES.mkdir(parents=True, exist_ok=True)
    running = {p.name: p.popen.pid for p in system.processes if p.popen.poll() is None}
    await asyncio.gather(
        *(
            sample(pid, PROFILES / f"{name}.txt", args.seconds, args.rate)
            for name, pid in running.items()
        )
    )
    cpu_after, client_after = system.cpu_seconds(), _cpu(client)
    final, elapsed = len(finals.at) - final_before, time.monotonic() - started
    await load
    follower.cancel()
    if not final:
        raise SystemExit("no claim reached its final status while the processes were sampled")

    cpu_ms = {
        name: round((cpu_after[name] - cpu_before.get(name, 0.0)) / final * 1000, 3)
        for name in cpu_after
    }
    cpu_ms["benchmark client with py-spy"] = round((client_after - client_before) / final * 1000, 3)
    by_process: dict[str, dict[str, Any]] = {}
    by_layer: dict[str, float] = {}
    for name in running:
        with (PROFILES / f"{name}.txt").open() as raw:
            counted = layer_samples(raw)
        layer_shares = shares(counted)
        by_process[name] = {
            "samples": sum(counted.values()),
            "layers": {
                layer: {"share": round(share, 3), "ms_per_claim": round(share * cpu_ms[name], 3)}
                for layer, share in layer_shares.items()
            },
        }
        for layer, share in layer_shares.items():
            by_layer[layer] = by_layer.get(layer, 0.0) + share * cpu_ms[name]
    for server in ("postgresql", "kafka"):
        by_layer[server] = cpu_ms[server]
    total = sum(by_layer.values())
    frameworks = sum(by_layer.get(layer, 0.0) for layer in FRAMEWORKS)
    cores = os.cpu_count() or 1
    return {
        "sampled_seconds": round(elapsed, 1),
        "sample_rate_hz": args.rate,
        "claims_final_while_sampled": final,
        "claims_per_s_while_sampled": round(final / elapsed, 1),
        "cpu_ms_per_claim": cpu_ms,
        "layers_by_process": by_process,
        "ms_per_claim_by_layer": {k: round(v, 3) for k, v in _largest_first(by_layer)},
        "ms_per_claim_services_and_servers": round(total, 3),
        "ms_per_claim_in_frameworks": round(frameworks, 3),
        "ms_per_claim_without_frameworks": round(total - frameworks, 3),
        "claims_per_s_bound_without_frameworks": round(cores * 1000 / (total - frameworks)),
        "frameworks": list(FRAMEWORKS),
        "raw_profiles": str(PROFILES.relative_to(ROOT)),
    }


def _cpu(process: psutil.Process) -> float:
    """CPU seconds of this process and its children so far (py-spy runs as children)."""
    own = process.cpu_times()
    return float(own.user + own.system + own.children_user + own.children_system)


def _largest_first(values: dict[str, float]) -> list[tuple[str, float]]:
    return sorted(values.items(), key=lambda item: -item[1])


def report(result: dict[str, Any]) -> None:
    """The figures, readable: per process its layers, then the layers summed."""
    print(
        f"{result['claims_final_while_sampled']} claims final in "
        f"{result['sampled_seconds']} s sampled ({result['claims_per_s_while_sampled']}/s)"
    )
    for name, sampled in result["layers_by_process"].items():
        cost = result["cpu_ms_per_claim"][name]
        print(f"\n{name}: {cost:.2f} ms of CPU a claim, {sampled['samples']} samples")
        for layer, figures in sampled["layers"].items():
            print(f"  {layer:<32} {figures['share']:6.1%}  {figures['ms_per_claim']:.3f} ms")
    print("\nms of CPU a claim by layer, every service process and both servers:")
    for layer, ms in result["ms_per_claim_by_layer"].items():
        print(f"  {layer:<32} {ms:.3f}")
    print(
        f"  {'total':<32} {result['ms_per_claim_services_and_servers']:.3f}\n"
        f"in {', '.join(result['frameworks'])}: {result['ms_per_claim_in_frameworks']:.3f} ms; "
        f"without them {result['ms_per_claim_without_frameworks']:.3f} ms a claim, at most "
        f"{result['claims_per_s_bound_without_frameworks']} claims/s on "
        f"{os.cpu_count()} cores\nraw profiles: {result['raw_profiles']}"
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=20.0, help="how long py-spy samples")
    parser.add_argument("--warm-up", type=float, default=5.0, help="saturation before sampling")
    parser.add_argument("--rate", type=int, default=100, help="samples a second per process")
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--name", default="e2e_profile")
    args = parser.parse_args()
    async with running_system(workers_per_service=1) as system:
        result = await profile(system, args)
    report(result)
    print(f"written to {save(args.name, result)}")


if __name__ == "__main__":
    asyncio.run(main())
