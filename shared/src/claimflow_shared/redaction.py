"""Describe errors without the data they may quote.

Database drivers put bound values in their messages (asyncpg: "invalid input for query argument
$1: 'value'"), and those values can be patient data. Such errors are described by their type and
SQLSTATE only wherever an error reaches a log line, a span or a dead-letter header.
"""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError, StatementError


def describe(exc: BaseException) -> str:
    """A message for ``exc`` that is safe to log, trace or publish."""
    if isinstance(exc, DBAPIError | StatementError):
        original = getattr(exc, "orig", None) or exc
        state = getattr(original, "sqlstate", None) or getattr(original, "pgcode", None)
        suffix = f" (SQLSTATE {state})" if state else ""
        return f"database error {type(original).__name__}{suffix}"
    return str(exc)
