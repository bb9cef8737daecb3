"""The patient reference of an X12 claim or 278 request: a keyed hash, never the member id.

``pr_`` + the first 32 hex digits (128 bits) of HMAC-SHA256 over tenant, payer id and member id
(trimmed, upper-cased, joined by the unit separator), keyed with the patient-reference key
(``CLAIMS_PATIENT_REF_KEY`` and ``PRIORAUTH_PATIENT_REF_KEY``, which must be equal so that an
authorization requested by 278 matches the 837P claims of the same member).
The tenant is part of the input so two submitters' references to one person cannot be linked;
the key keeps anyone without it from testing guesses of member ids against a reference.
"""

from __future__ import annotations

import hashlib
import hmac

DEVELOPMENT_PATIENT_REF_KEY = "claimflow-development-patient-ref-key"
PREFIX = "pr_"
HEX_DIGITS = 32


def derive_patient_ref(*, key: bytes, tenant_id: str, payer_id: str, member_id: str) -> str:
    """The stable pseudonymous reference of a payer's member, as one tenant sees it."""
    message = "\x1f".join((tenant_id, _norm(payer_id), _norm(member_id))).encode()
    digest = hmac.new(key, message, hashlib.sha256).hexdigest()
    return PREFIX + digest[:HEX_DIGITS]


def _norm(value: str) -> str:
    """An identifier as compared: without surrounding blanks, upper-case."""
    return value.strip().upper()
