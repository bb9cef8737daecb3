"""Benchmark: 837P claims per second, parse + validate + map, against pyx12 and LinuxForHealth x12.

Writes a synthetic 10,000-claim interchange (5 service lines per claim, 1,000 claims per ST,
every claim valid) to a temporary folder, then reads it in a fresh process per reader:

* claimflow: ``Professional837Reader`` streaming the file, every ``ClaimRead`` counted;
* pyx12 4.0.0: ``pyx12.x12n_document`` validating the file and writing its 999;
* LinuxForHealth x12 0.57.0: ``X12ModelReader`` building its Pydantic models, claims counted.

The peers live in their own virtual environments outside the repository (``--peers``, default
``/tmp/x12peers``), created with ``uv`` (or ``venv`` + pip) when missing; LinuxForHealth x12
needs ``pydantic<2``. Only the read is timed (imports and interpreter start are not); each
process reports wall and CPU time and its peak RSS (``ru_maxrss``, which includes the
interpreter). The run with the least CPU time counts, and ratios use CPU time, because a shared
machine stretches wall time for every reader alike but not evenly.

Run: ``uv run python bench/x12_837p.py [--claims 10000] [--runs 3] [--skip-peers]``.
Prints a table with ratios and writes ``bench/results/x12_837p.json``.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from record import save

from claimflow_shared.x12.p837 import synthetic

REPORT = "import resource, sys, time\n"
CLAIMFLOW = (
    REPORT
    + """
from claimflow_shared.x12.p837 import ClaimRead, Professional837Reader
start, cpu = time.perf_counter(), time.process_time()
with open(sys.argv[1], "rb") as stream:
    claims = sum(isinstance(e, ClaimRead) for e in Professional837Reader().read(stream))
seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
print(claims, seconds, cpu, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""
)
PYX12 = (
    REPORT
    + """
import io, pyx12.params, pyx12.x12n_document
start, cpu = time.perf_counter(), time.process_time()
ok = pyx12.x12n_document.x12n_document(pyx12.params.params(), sys.argv[1], io.StringIO(), None)
seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
assert ok, "pyx12 found the file invalid"
claims = open(sys.argv[1], "rb").read().count(b"~CLM*")
print(claims, seconds, cpu, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""
)
LFH = (
    REPORT
    + """
from linuxforhealth.x12.io import X12ModelReader
start, cpu = time.perf_counter(), time.process_time()
claims = 0
with X12ModelReader(sys.argv[1]) as reader:
    for model in reader.models():
        for provider in model.loop_2000a:
            for subscriber in provider.loop_2000b:
                claims += len(subscriber.loop_2300 or [])
                claims += sum(len(p.loop_2300 or []) for p in subscriber.loop_2000c or [])
seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
print(claims, seconds, cpu, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""
)


@dataclass(frozen=True)
class Peer:
    """A reader to measure: its label, the venv it needs (None: this one), its requirements."""

    name: str
    label: str
    code: str
    venv: str | None
    requirements: tuple[str, ...]
    module: str


PEERS = (
    Peer("claimflow", "claimflow x12 (this)", CLAIMFLOW, None, (), "claimflow_shared"),
    Peer("pyx12", "pyx12 4.0.0 x12n_document", PYX12, "pyx12", ("pyx12==4.0.0",), "pyx12"),
    Peer(
        "linuxforhealth",
        "LinuxForHealth x12 0.57.0",
        LFH,
        "lfh",
        ("linuxforhealth-x12==0.57.0", "pydantic<2"),
        "linuxforhealth.x12",
    ),
)


@dataclass
class Result:
    """The best run of one reader (by CPU time: the machine may be shared)."""

    name: str
    label: str
    claims: int
    seconds: float
    cpu_seconds: float
    claims_per_second: float
    claims_per_cpu_second: float
    peak_rss_mb: float
    cpu_runs: list[float]


def parse_args() -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--claims", type=int, default=10_000)
    parser.add_argument("--lines", type=int, default=5)
    parser.add_argument("--runs", type=int, default=3, help="runs of this library (peers: 1)")
    parser.add_argument("--peer-runs", type=int, default=1)
    parser.add_argument(
        "--peers", type=Path, default=Path(os.environ.get("X12_PEERS", "/tmp/x12peers"))
    )
    parser.add_argument("--skip-peers", action="store_true")
    return parser.parse_args()


def python_of(peer: Peer, peers: Path) -> str:
    """Return the interpreter for a peer, creating its virtual environment when missing."""
    if peer.venv is None:
        return sys.executable
    folder = peers / peer.venv
    python = folder / "bin" / "python"
    if python.exists() and _imports(str(python), peer.module):
        return str(python)
    uv = shutil.which("uv") or str(Path(__file__).resolve().parents[1] / ".tools" / "bin" / "uv")
    if Path(uv).exists():
        subprocess.run([uv, "venv", "-q", "--python", sys.executable, str(folder)], check=True)
        subprocess.run(
            [uv, "pip", "install", "-q", "--python", str(python), *peer.requirements], check=True
        )
    else:
        subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", *peer.requirements], check=True)
    return str(python)


def _imports(python: str, module: str) -> bool:
    """Tell whether an interpreter can import a module."""
    done = subprocess.run([python, "-c", f"import {module}"], capture_output=True)
    return done.returncode == 0


def measure(peer: Peer, python: str, path: Path, runs: int) -> Result:
    """Run a reader over the file `runs` times in fresh processes and keep the best run."""
    best: tuple[int, float, float, int] | None = None
    cpu_runs = []
    for _ in range(runs):
        done = subprocess.run(
            [python, "-c", peer.code, str(path)], capture_output=True, text=True, check=True
        )
        claims, seconds, cpu, rss = done.stdout.split()[-4:]
        cpu_runs.append(float(cpu))
        if best is None or float(cpu) < best[2]:
            best = (int(claims), float(seconds), float(cpu), int(rss))
    assert best is not None
    claims_read, wall, used, peak = best
    return Result(
        peer.name,
        peer.label,
        claims_read,
        wall,
        used,
        claims_read / wall,
        claims_read / used,
        peak / 1024,
        cpu_runs,
    )


def write_file(folder: Path, claims: int, lines: int) -> Path:
    """Write the synthetic interchange and return its path."""
    path = folder / f"claims_{claims}.837"
    with path.open("w") as out:
        synthetic.write_file(out, claims, lines=lines, per_set=1000)
    return path


def table(results: list[Result]) -> str:
    """Return the results as a text table with each reader's speed relative to this one."""
    own = results[0].claims_per_cpu_second
    heads = ("claims", "wall s", "cpu s", "claims/s", "claims/cpu-s", "vs this", "peak RSS")
    widths = (7, 7, 7, 9, 12, 13, 9)
    rows = [f"{'reader':30} " + " ".join(f"{h:>{w}}" for h, w in zip(heads, widths, strict=True))]
    for r in results:
        ratio = "1.0x" if r is results[0] else f"{own / r.claims_per_cpu_second:.1f}x slower"
        rows.append(
            f"{r.label:30} {r.claims:>7} {r.seconds:>7.2f} {r.cpu_seconds:>7.2f} "
            f"{r.claims_per_second:>9.0f} {r.claims_per_cpu_second:>12.0f} {ratio:>13} "
            f"{r.peak_rss_mb:>7.1f}MB"
        )
    return "\n".join(rows)


def main() -> None:
    """Generate the file, measure each reader, print the table and write the JSON."""
    args = parse_args()
    peers = PEERS[:1] if args.skip_peers else PEERS
    with tempfile.TemporaryDirectory(prefix="x12bench") as folder:
        path = write_file(Path(folder), args.claims, args.lines)
        size = path.stat().st_size
        results = []
        for peer in peers:
            runs = args.runs if peer.venv is None else args.peer_runs
            result = measure(peer, python_of(peer, args.peers), path, runs)
            assert result.claims == args.claims, f"{peer.name} read {result.claims} claims"
            results.append(result)
    print(
        f"{args.claims} claims x {args.lines} lines, {size / 1e6:.1f} MB, "
        f"{platform.python_version()} on {os.cpu_count()} CPUs"
    )
    print(table(results))
    save(
        "x12_837p",
        {
            "machine": platform.platform(),
            "claims": args.claims,
            "lines_per_claim": args.lines,
            "file_bytes": size,
            "results": [asdict(r) for r in results],
            "ratios_by_cpu_time": {
                r.name: results[0].claims_per_cpu_second / r.claims_per_cpu_second
                for r in results[1:]
            },
        },
    )


if __name__ == "__main__":
    main()
