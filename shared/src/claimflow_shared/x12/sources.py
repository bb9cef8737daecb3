"""Turning what a caller holds (bytes, a binary stream, an iterable of chunks) into byte chunks."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import BinaryIO

Source = bytes | bytearray | memoryview | BinaryIO | Iterable[bytes]
CHUNK_SIZE = 1 << 16


def iter_chunks(source: Source, chunk_size: int = CHUNK_SIZE) -> Iterator[bytes]:
    """Yield the source as chunks of at most chunk_size bytes (iterables pass through)."""
    if isinstance(source, bytes | bytearray | memoryview):
        view = memoryview(source)
        for start in range(0, len(view), chunk_size):
            yield bytes(view[start : start + chunk_size])
        return
    read = getattr(source, "read", None)
    if read is not None:
        while chunk := read(chunk_size):
            yield bytes(chunk)
        return
    for chunk in source:
        yield bytes(chunk)
