"""The three shapes of the answer to an interchange, chosen by ``Accept``.

* ``application/json`` (default): the JSON document with both acknowledgments and the claims.
* ``multipart/mixed``: the 999 and, when there is one, the 277CA, each an ``application/edi-x12``
  part, for translators that want files.
* ``application/edi-x12``: the 999 alone; its 277CA stays readable at
  ``GET /v1/x12/submissions/{id}`` (the ``X12-Submission`` header names it).
"""

from __future__ import annotations

from fastapi.responses import Response

from claimflow_shared.http.x12_answers import EDI, chosen_media_type, x12_response
from claims.x12.schemas import X12Answer

SUBMISSION_HEADER = "X12-Submission"
__all__ = ["EDI", "SUBMISSION_HEADER", "chosen_media_type", "respond"]


def respond(answer: X12Answer, accept: str | None) -> Response:
    """The answer in the representation the client asked for."""
    parts = [("999", answer.ack999)]
    if answer.ack277ca is not None:
        parts.append(("277ca", answer.ack277ca))
    return x12_response(
        accept,
        document=answer.model_dump(mode="json"),
        edi=answer.ack999,
        parts=parts,
        headers={SUBMISSION_HEADER: str(answer.submission_id)},
    )
