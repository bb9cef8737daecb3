"""Streaming: big files are read in bounded memory, from bytes, streams or chunk iterators."""

from __future__ import annotations

import io
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from claimflow_shared.x12.p837 import ClaimRead, Professional837Reader
from claimflow_shared.x12.p837 import synthetic as s
from claimflow_shared.x12.results import AckStatus

TEN_MEGABYTES = 10 * 1024 * 1024


def generated(claims: int) -> bytes:
    """Return a synthetic interchange of `claims` five-line claims, 500 claims per set."""
    out = io.StringIO()
    s.write_file(out, claims, lines=5, per_set=500)
    return out.getvalue().encode()


_MEASURE = """
import resource, sys
from claimflow_shared.x12.p837 import ClaimRead, Professional837Reader
with open(sys.argv[1], "rb") as stream:
    count = sum(isinstance(e, ClaimRead) for e in Professional837Reader().read(stream))
print(count, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def peak_rss_reading(path: Path, claims: int) -> tuple[int, int]:
    """Write `claims` claims to path and read them in a fresh process; return (count, KiB)."""
    with path.open("w") as out:
        s.write_file(out, claims, lines=5, per_set=500)
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(path)], capture_output=True, text=True, check=True
    )
    count, peak = done.stdout.split()
    return int(count), int(peak)


def test_a_ten_megabyte_file_is_read_whole_and_accepted() -> None:
    data = generated(18_000)
    assert len(data) > TEN_MEGABYTES
    reader = Professional837Reader()
    accepted = sum(e.accepted for e in reader.read(data) if isinstance(e, ClaimRead))
    ack = reader.acknowledgment
    assert accepted == 18_000
    assert ack.status is AckStatus.ACCEPTED and len(ack.transaction_sets) == 36
    assert all(t.status is AckStatus.ACCEPTED for t in ack.transaction_sets)


def test_memory_does_not_grow_with_the_number_of_claims(tmp_path: Path) -> None:
    small_count, small_peak = peak_rss_reading(tmp_path / "small.837", 1_000)
    large_count, large_peak = peak_rss_reading(tmp_path / "large.837", 20_000)
    assert (small_count, large_count) == (1_000, 20_000)
    assert large_peak - small_peak < 8 * 1024


def test_tiny_chunks_from_an_iterator_give_the_same_claims_and_verdict() -> None:
    data = generated(40)

    def pieces() -> Iterator[bytes]:
        for start in range(0, len(data), 97):
            yield data[start : start + 97]

    whole_reader, piece_reader = Professional837Reader(), Professional837Reader()
    whole = [e for e in whole_reader.read(data) if isinstance(e, ClaimRead)]
    piecewise = [e for e in piece_reader.read(pieces()) if isinstance(e, ClaimRead)]
    assert whole == piecewise and len(whole) == 40
    assert whole_reader.acknowledgment == piece_reader.acknowledgment


def test_push_interface_matches_read() -> None:
    data = generated(3)
    reader = Professional837Reader()
    events = reader.feed(data[:1000]) + reader.feed(data[1000:]) + reader.close()
    assert [e for e in events if isinstance(e, ClaimRead)] == [
        e for e in Professional837Reader().read(data) if isinstance(e, ClaimRead)
    ]
