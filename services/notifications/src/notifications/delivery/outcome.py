"""What one delivery attempt produced, as recorded in the delivery log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum


class ErrorKind(StrEnum):
    """Why an attempt did not end in a 2xx response."""

    TIMEOUT = "timeout"
    CONNECTION = "connection"
    PROTOCOL = "protocol"
    UNSAFE_URL = "unsafe_url"
    INVALID_URL = "invalid_url"
    REDIRECT = "redirect"
    HTTP_STATUS = "http_status"
    SIGNING = "signing"


@dataclass(frozen=True, slots=True)
class AttemptResult:
    """The outcome of one HTTP attempt of one delivery."""

    status_code: int | None
    latency_ms: float
    error_kind: ErrorKind | None = None
    error_message: str | None = None
    response_body: bytes = b""
    body_truncated: bool = False
    retry_after: timedelta | None = None
    location: str | None = None

    @property
    def succeeded(self) -> bool:
        """Whether the receiver accepted the delivery (a 2xx response)."""
        return self.status_code is not None and 200 <= self.status_code < 300
