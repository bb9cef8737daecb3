"""Which layer of the stack a py-spy sample was spent in.

A sample is charged to the innermost frame that belongs to a known library or to claimflow's
own code, so the standard library (``asyncio``, ``contextlib``, ...) counts for whoever called
it. Frames outside the running event loop (the ``claimflow`` command, typer, uvloop's
``run``) are the process's start-up stack, below every sample: a sample with nothing inside the
loop but the standard library is the loop's own work (callbacks, stream buffers).

Reads py-spy's ``raw`` format (one ``frame;frame;... count`` per line, outermost first)
recorded with ``--full-filenames``, where a library's frames sit under ``site-packages/``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

LAYERS = {
    "sqlalchemy": "SQLAlchemy",
    "greenlet": "SQLAlchemy",  # its async bridge
    "asyncpg": "asyncpg",
    "aiokafka": "aiokafka",
    "opentelemetry": "OpenTelemetry",
    "fastapi": "HTTP server",
    "starlette": "HTTP server",
    "uvicorn": "HTTP server",
    "h11": "HTTP server",
    "httptools": "HTTP server",
    "anyio": "HTTP server",
    "pydantic": "pydantic",
    "pydantic_core": "pydantic",
}
OURS = {"claimflow", "claimflow_shared", "claims", "code_catalog", "prior_auth", "notifications"}
OWN = "claimflow"
LOOP = "event loop and standard library"
OTHER = "other libraries"
FRAMEWORKS = ("SQLAlchemy", "OpenTelemetry", "HTTP server", "pydantic")
"""Layers the services could in principle do without (hand-written SQL, no tracing, a bare
ASGI or socket server, no validation models); the rest is work any design of the same flow
does: its own logic, the drivers' protocols, the event loop."""

_FRAME = re.compile(r"^(?P<function>.*) \((?P<file>.*?)(?::\d+)?\)$")
_LIBRARY = re.compile(r"/(?:site|dist)-packages/(?P<top>[A-Za-z0-9_]+)")
_OWN_SOURCE = re.compile(r"/src/(?P<top>[A-Za-z0-9_]+)/")


def layer_of(frame: str) -> str | None:
    """The layer one frame belongs to, None for the standard library and unknown code."""
    match = _FRAME.match(frame)
    path = match.group("file") if match else frame
    if path.startswith("<sqlalchemy generated"):
        return "SQLAlchemy"
    library = _LIBRARY.search(path)
    if library:
        top = library.group("top")
        if top in OURS:
            return OWN
        return LAYERS.get(top, OTHER)
    own = _OWN_SOURCE.search(path)
    if own and own.group("top") in OURS:
        return OWN
    return None


def _inside_loop(frames: list[str]) -> list[str]:
    """The frames above the event loop's ``Runner.run`` (all of them when there is none, as
    in a greenlet's stack)."""
    for index in range(len(frames) - 1, -1, -1):
        if "asyncio/runners.py" in frames[index]:
            return frames[index + 1 :]
    return frames


def layer_of_sample(frames: list[str]) -> str:
    """The layer a sample's stack (outermost frame first) is charged to."""
    for frame in reversed(_inside_loop(frames)):
        layer = layer_of(frame)
        if layer is not None:
            return layer
    return LOOP


def layer_samples(raw_lines: Iterable[str]) -> Counter[str]:
    """Samples per layer in a py-spy ``raw`` profile."""
    samples: Counter[str] = Counter()
    for line in raw_lines:
        stack, _, count = line.rstrip("\n").rpartition(" ")
        if not stack or not count.isdigit():
            continue
        samples[layer_of_sample(stack.split(";"))] += int(count)
    return samples


def shares(samples: Counter[str]) -> dict[str, float]:
    """Each layer's share of the samples, largest first."""
    total = sum(samples.values())
    if not total:
        return {}
    return {layer: count / total for layer, count in samples.most_common()}
