"""The shapes of the answer to a 278 interchange, chosen by ``Accept``.

* ``application/json`` (default): the 999, the 278 responses and each request's outcome.
* ``application/edi-x12``: the 278 responses; the 999 instead when no set earned a 278 response
  (the interchange or every set was rejected).
* ``multipart/mixed``: the 999 and, when there is one, the 278 responses, as X12 parts.
"""

from __future__ import annotations

from fastapi.responses import Response

from claimflow_shared.http.x12_answers import EDI, MULTIPART, x12_response
from prior_auth.x12.schemas import X12Answer

__all__ = ["EDI", "MULTIPART", "respond"]


def respond(answer: X12Answer, accept: str | None) -> Response:
    """The answer in the representation the client asked for."""
    parts = [("999", answer.ack999)]
    if answer.response278 is not None:
        parts.append(("278", answer.response278))
    return x12_response(
        accept,
        document=answer.model_dump(mode="json"),
        edi=answer.response278 or answer.ack999,
        parts=parts,
    )
