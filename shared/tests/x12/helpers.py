"""Shared helpers for the X12 tests: the sample data folder and small interchange builders."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from claimflow_shared.x12.p837 import synthetic
from claimflow_shared.x12.transactions import TransactionContext, TransactionType


def data_dir() -> Path:
    """Return shared/data/x12 beside the workspace root (whose pyproject declares the workspace)."""
    for folder in Path(__file__).resolve().parents:
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and "workspace" in tomllib.loads(pyproject.read_text()).get(
            "tool", {}
        ).get("uv", {}):
            return folder.parent / "shared" / "data" / "x12"
    raise FileNotFoundError("no uv workspace root above the tests")


@dataclass
class CountingHandler:
    """A stand-in transaction handler that only counts the body segments it is given."""

    context: TransactionContext
    seen: list[str] = field(default_factory=list)

    def segments(self, batch: list[list[str]], start: int, position: int) -> tuple[int, int]:
        """Take segments until an envelope segment."""
        for index in range(start, len(batch)):
            if batch[index][0] in ("SE", "ST", "GE", "GS", "IEA", "ISA"):
                return index, position
            self.seen.append(batch[index][0])
            position += 1
        return len(batch), position

    def finish(self, position: int) -> tuple[int, int]:
        """Report one accepted item per set."""
        return 1, 0


def counting_type() -> TransactionType:
    """Register the counting handler for 837 005010X222 sets."""
    return TransactionType("HC", "837", "005010X222", CountingHandler)


def isa(
    *, element: str = "*", repetition: str = "^", component: str = ":", control: str = "000000101"
) -> str:
    """Return the synthetic fixed-width ISA with these delimiters (without its terminator)."""
    style = synthetic.Style(element, component, repetition, segment="")
    return synthetic.render([synthetic.isa(style, int(control))], style)


def envelope(
    groups: list[list[list[str]]],
    *,
    element: str = "*",
    segment: str = "~",
    newline: str = "",
    repetition: str = "^",
    component: str = ":",
    control: str = "000000101",
) -> bytes:
    """Wrap transaction bodies (segment strings written with `*`) in correct envelopes."""
    out = [isa(element=element, repetition=repetition, component=component, control=control)]
    for number, bodies in enumerate(groups, start=1):
        out.append(f"GS*HC*SUB001*CLAIMFLOW01*20240201*1200*{number}*X*005010X222A1")
        for index, body in enumerate(bodies, start=1):
            st = f"{number}{index:03d}"
            out += [f"ST*837*{st}*005010X222A1", *body, f"SE*{len(body) + 2}*{st}"]
        out.append(f"GE*{len(bodies)}*{number}")
    out.append(f"IEA*{len(groups)}*{control}")
    text = (segment + newline).join(s.replace("*", element) for s in out[1:])
    return (out[0] + segment + newline + text + segment + newline).encode()


def segments_of(text: str) -> list[list[str]]:
    """Split an X12 reply back into segments with the delimiters its own ISA declares."""
    from claimflow_shared.x12.tokenizer import SegmentSplitter, read_isa

    data = text.encode()
    header, end = read_isa(data)
    splitter = SegmentSplitter(header.delimiters, max_segment_bytes=10_000)
    isa_segment = [header.elements[0], *header.elements[1:]]
    return [isa_segment, *splitter.feed(data[end:]), *splitter.close()]
