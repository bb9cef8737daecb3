"""The three shapes of the answer to an interchange, chosen by ``Accept``.

* ``application/json`` (default): the JSON document with both acknowledgments and the claims.
* ``multipart/mixed``: the 999 and, when there is one, the 277CA, each an ``application/edi-x12``
  part, for translators that want files.
* ``application/edi-x12``: the 999 alone; its 277CA stays readable at
  ``GET /v1/x12/submissions/{id}`` (the ``X12-Submission`` header names it).
"""

from __future__ import annotations

import secrets

from fastapi.responses import JSONResponse, Response

from claims.x12.schemas import X12Answer

EDI = "application/edi-x12"
MULTIPART = "multipart/mixed"
JSON = "application/json"
SUBMISSION_HEADER = "X12-Submission"


def chosen_media_type(accept: str | None) -> str:
    """The first of our media types the client lists (JSON when it lists none or */*)."""
    for item in (accept or "").split(","):
        media_type = item.split(";")[0].strip().lower()
        if media_type in (EDI, MULTIPART, JSON):
            return media_type
        if media_type in ("*/*", "application/*"):
            return JSON
    return JSON


def respond(answer: X12Answer, accept: str | None) -> Response:
    """The answer in the representation the client asked for."""
    headers = {SUBMISSION_HEADER: str(answer.submission_id)}
    media_type = chosen_media_type(accept)
    if media_type == EDI:
        return Response(answer.ack999, media_type=EDI, headers=headers)
    if media_type == MULTIPART:
        boundary = f"claimflow-{secrets.token_hex(12)}"
        return Response(
            _multipart(answer, boundary),
            media_type=f"{MULTIPART}; boundary={boundary}",
            headers=headers,
        )
    return JSONResponse(answer.model_dump(mode="json"), headers=headers)


def _multipart(answer: X12Answer, boundary: str) -> bytes:
    """The 999 and the 277CA as the parts of one multipart/mixed body."""
    parts = [("999", answer.ack999)]
    if answer.ack277ca is not None:
        parts.append(("277ca", answer.ack277ca))
    chunks = []
    for name, text in parts:
        chunks.append(
            f"--{boundary}\r\nContent-Type: {EDI}\r\n"
            f'Content-Disposition: attachment; filename="{name}.x12"\r\n\r\n{text}\r\n'
        )
    chunks.append(f"--{boundary}--\r\n")
    return "".join(chunks).encode()
