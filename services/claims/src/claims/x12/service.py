"""Receiving an 837P interchange: read it as it streams in, take the accepted claims in through
the same intake as JSON claims, and answer with the 999 and the 277CA."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import AsyncIterator
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from claimflow_shared.auth import Principal
from claimflow_shared.errors import BadRequest
from claimflow_shared.x12.envelope import UnreadableInterchangeError
from claimflow_shared.x12.p837 import ClaimRead
from claims.intake.answers import accepted
from claims.intake.service import Submitted, submit
from claims.records.drafts import ClaimDraft
from claims.settings import ClaimsSettings
from claims.x12 import acks
from claims.x12.mapping import Envelope, draft_of
from claims.x12.models import X12Submission
from claims.x12.reading import Interchange, read_interchange
from claims.x12.repository import X12Repository
from claims.x12.schemas import X12Answer, X12ClaimOut

Place = tuple[int, int]


async def receive(
    *,
    session: AsyncSession,
    principal: Principal,
    chunks: AsyncIterator[bytes],
    settings: ClaimsSettings,
) -> X12Answer:
    """Read, take in and acknowledge one interchange; 400 when it has no readable ISA."""
    try:
        interchange = await read_interchange(chunks)
    except UnreadableInterchangeError as exc:
        raise BadRequest(f"Not a readable X12 interchange: {exc}.") from exc
    now = settings.clock()
    envelope = Envelope(
        tenant_id=principal.tenant_id,
        sender_id=interchange.ack.header.get(6),
        key=settings.patient_ref_key.get_secret_value().encode(),
    )
    places, drafts = _drafts(interchange, envelope)
    results = await submit(
        session=session,
        principal=principal,
        drafts=drafts,
        now=now,
        default_filing_days=settings.timely_filing_days,
    )
    taken = dict(zip(places, results, strict=True))
    answer = await _answer(session, interchange, taken, now)
    _keep(session, principal.tenant_id, interchange, answer)
    return answer


def _drafts(interchange: Interchange, envelope: Envelope) -> tuple[list[Place], list[ClaimDraft]]:
    """The drafts of the accepted claims, keyed by where they sit in the interchange."""
    places: list[Place] = []
    drafts: list[ClaimDraft] = []
    occurrences = [_occurrences(s.reads) for s in interchange.sets]
    for set_index, claim_index, read in interchange.accepted_claims():
        places.append((set_index, claim_index))
        drafts.append(
            draft_of(read.claim, envelope=envelope, occurrence=occurrences[set_index][claim_index])
        )
    return places, drafts


def _occurrences(reads: list[ClaimRead]) -> list[int]:
    """For each claim of a set, how many times its CLM01 has appeared so far (1 the first)."""
    seen: Counter[str] = Counter()
    counts = []
    for read in reads:
        seen[read.claim.claim_id] += 1
        counts.append(seen[read.claim.claim_id])
    return counts


async def _answer(
    session: AsyncSession,
    interchange: Interchange,
    taken: dict[Place, Submitted],
    now: datetime,
) -> X12Answer:
    """Render both acknowledgments and list every claim's outcome."""
    repository = X12Repository(session)
    batches = acks.claim_batches(
        interchange, {place: str(result.claim_id) for place, result in taken.items()}
    )
    replies = acks.render(
        interchange,
        batches,
        control_999=await repository.next_control_number(),
        control_277ca=await repository.next_control_number(),
        sent_at=now,
    )
    header = interchange.ack.header
    return X12Answer(
        submission_id=uuid.uuid4(),
        received_at=now,
        sender_id=header.get(6),
        interchange_control_number=header.get(13),
        interchange_status=interchange.ack.status.value,
        ack999=replies.ack999,
        ack277ca=replies.ack277ca,
        claims=_claims(interchange, taken),
    )


def _claims(interchange: Interchange, taken: dict[Place, Submitted]) -> list[X12ClaimOut]:
    """Every claim read, in file order, with the reader's verdict and ours."""
    outcomes = []
    for set_index, read_set in enumerate(interchange.sets):
        set_ok = read_set.accepted
        control = read_set.closed.ack.control_number if read_set.closed else ""
        for claim_index, read in enumerate(read_set.reads):
            errors = [e.message for e in read.errors if e.rejects]
            if not set_ok:
                errors.append(f"transaction set {control} was rejected (see the 999)")
            result = taken.get((set_index, claim_index))
            outcome = X12ClaimOut(
                claim_number=read.claim.claim_id,
                transaction_set=control,
                accepted=result is not None,
                errors=errors,
            )
            if result is not None:
                stored = accepted(result)
                outcome.claim_id, outcome.status = stored.claim_id, stored.status
                outcome.status_url, outcome.findings = stored.status_url, stored.findings
                outcome.repeated = stored.repeated
            outcomes.append(outcome)
    return outcomes


def _keep(
    session: AsyncSession, tenant_id: str, interchange: Interchange, answer: X12Answer
) -> None:
    """Record the interchange and the answer given, with the claims it made."""
    taken = sum(1 for claim in answer.claims if claim.accepted)
    X12Repository(session).add(
        X12Submission(
            id=answer.submission_id,
            tenant_id=tenant_id,
            sender_id=answer.sender_id[:15],
            control_number=answer.interchange_control_number[:9],
            body_sha256=interchange.sha256,
            interchange_status=answer.interchange_status,
            claims_accepted=taken,
            claims_rejected=len(answer.claims) - taken,
            ack999=answer.ack999,
            ack277ca=answer.ack277ca,
            answer=answer.model_dump(mode="json"),
            received_at=answer.received_at,
        )
    )
