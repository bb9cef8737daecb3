"""The shapes of the answer to a 278 interchange, chosen by ``Accept``.

* ``application/json`` (default): the 999, the 278 responses and each request's outcome.
* ``application/edi-x12``: the 278 responses; the 999 instead when no set earned a 278 response
  (the interchange or every set was rejected).
* ``multipart/mixed``: the 999 and, when there is one, the 278 responses, as X12 parts.
"""

from __future__ import annotations

import secrets

from fastapi.responses import JSONResponse, Response

from prior_auth.x12.schemas import X12Answer

EDI = "application/edi-x12"
MULTIPART = "multipart/mixed"
JSON = "application/json"


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
    media_type = chosen_media_type(accept)
    if media_type == EDI:
        return Response(answer.response278 or answer.ack999, media_type=EDI)
    if media_type == MULTIPART:
        boundary = f"claimflow-{secrets.token_hex(12)}"
        parts = [("999", answer.ack999)]
        if answer.response278 is not None:
            parts.append(("278", answer.response278))
        chunks = [
            f"--{boundary}\r\nContent-Type: {EDI}\r\n"
            f'Content-Disposition: attachment; filename="{name}.x12"\r\n\r\n{text}\r\n'
            for name, text in parts
        ]
        body = "".join(chunks) + f"--{boundary}--\r\n"
        return Response(body.encode(), media_type=f"{MULTIPART}; boundary={boundary}")
    return JSONResponse(answer.model_dump(mode="json"))
