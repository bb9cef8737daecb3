"""The one error every code-set parser raises for a malformed row."""

from __future__ import annotations


class ImportFormatError(ValueError):
    """A row of an imported file is malformed: which line, which field, and why."""

    def __init__(self, line: int, field: str, message: str) -> None:
        super().__init__(f"line {line}, field {field!r}: {message}")
        self.line = line
        self.field = field
        self.message = message
