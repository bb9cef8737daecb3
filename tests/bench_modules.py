"""Loading a module of ``bench/`` in a test (the benchmarks are scripts, not a package)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

BENCH = Path(__file__).resolve().parents[1] / "bench"
"""The benchmark scripts' folder."""


def bench_module(name: str) -> ModuleType:
    """The module ``bench/<name>.py``, loaded under the name ``bench_<name>``.

    The scripts import their sibling modules by plain name (``from windows import …``), as
    when run from ``bench/``, so the folder goes on the path, last, for those imports."""
    if str(BENCH) not in sys.path:
        sys.path.append(str(BENCH))
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while it loads
    spec.loader.exec_module(module)
    return module
