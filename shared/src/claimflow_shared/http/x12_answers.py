"""How an X12 endpoint answers: JSON by default, the X12 reply itself for
``Accept: application/edi-x12``, or every reply as the parts of a ``multipart/mixed`` body."""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi.responses import JSONResponse, Response

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


def x12_response(
    accept: str | None,
    *,
    document: Any,
    edi: str,
    parts: Sequence[tuple[str, str]],
    headers: Mapping[str, str] | None = None,
) -> Response:
    """``document`` as JSON, ``edi`` as X12, or ``parts`` (name, X12 text) as multipart."""
    media_type = chosen_media_type(accept)
    if media_type == EDI:
        return Response(edi, media_type=EDI, headers=headers)
    if media_type == MULTIPART:
        boundary = f"claimflow-{secrets.token_hex(12)}"
        chunks = [
            f"--{boundary}\r\nContent-Type: {EDI}\r\n"
            f'Content-Disposition: attachment; filename="{name}.x12"\r\n\r\n{text}\r\n'
            for name, text in parts
        ]
        body = "".join(chunks) + f"--{boundary}--\r\n"
        return Response(
            body.encode(), media_type=f"{MULTIPART}; boundary={boundary}", headers=headers
        )
    return JSONResponse(document, headers=headers)
