"""The authorization as the state machine reads and returns it."""

from __future__ import annotations

from dataclasses import dataclass

from prior_auth.authorizations.lines import ApprovedLine, RequestedLine
from prior_auth.authorizations.status import AuthorizationStatus


@dataclass(frozen=True, slots=True)
class AuthorizationState:
    """An authorization's status with what the last decision said.

    ``information_needed`` is set while pended (A4), ``reason`` after a denial or partial
    approval, ``modification`` after A6, ``reason_code`` when the payer coded its reason;
    ``appealed`` stays true once any appeal was opened.
    """

    status: AuthorizationStatus
    lines: tuple[RequestedLine, ...]
    approved_lines: tuple[ApprovedLine, ...] = ()
    authorization_number: str | None = None
    information_needed: str | None = None
    reason: str | None = None
    modification: str | None = None
    appealed: bool = False
    reason_code: str | None = None
