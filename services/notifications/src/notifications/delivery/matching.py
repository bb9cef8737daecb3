"""Which subscriptions want an event type: segment-wise globs over dotted type names.

Event types are dotted names such as ``claims.claim.status_changed.v1``. A pattern is the same
shape, where a segment may be ``*``:

- a literal segment matches the same text exactly (case-sensitive);
- ``*`` anywhere but last matches exactly one segment: ``claims.*.submitted.v1``;
- ``*`` as the last segment matches one or more remaining segments: ``claims.claim.*`` matches
  ``claims.claim.status_changed.v1`` but not ``claims.claim`` itself;
- so ``*`` alone matches every event type.

A ``*`` inside a segment (``status_*``), ``**`` and empty segments are invalid; subscriptions are
validated with :func:`validate_pattern` when they are written, so matching never meets them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

WILDCARD = "*"
_SEGMENT = re.compile(r"[A-Za-z0-9_-]+")


class InvalidPatternError(ValueError):
    """An event-type pattern that is not a dotted name of literals and ``*`` segments."""


def validate_pattern(pattern: str) -> str:
    """Return ``pattern`` unchanged if it is valid, or raise InvalidPatternError."""
    for segment in pattern.split("."):
        if segment != WILDCARD and not _SEGMENT.fullmatch(segment):
            raise InvalidPatternError(
                f"invalid event type pattern {pattern!r}: each dot-separated segment must be "
                "letters, digits, '_' or '-', or exactly '*'"
            )
    return pattern


def matches(pattern: str, event_type: str) -> bool:
    """Whether ``event_type`` is wanted by ``pattern``."""
    wanted = pattern.split(".")
    actual = event_type.split(".")
    if wanted[-1] == WILDCARD:
        if len(actual) < len(wanted):
            return False
        wanted, actual = wanted[:-1], actual[: len(wanted) - 1]
    elif len(actual) != len(wanted):
        return False
    return all(w in (WILDCARD, a) for w, a in zip(wanted, actual, strict=True))


def matches_any(patterns: Iterable[str], event_type: str) -> bool:
    """Whether any of a subscription's patterns wants ``event_type``."""
    return any(matches(pattern, event_type) for pattern in patterns)
