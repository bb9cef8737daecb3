"""X12 EDI for claimflow: a streaming, transaction-agnostic reader and the acknowledgments it owes.

Layers
    tokenizer   delimiters from the ISA (ISA byte 4, ISA11, ISA16, the byte after ISA16, and any
                CR/LF after terminators); bytes in, lists of element strings out, chunk by chunk.
    envelope    ISA/GS/ST/SE/GE/IEA checks and counts; hands each transaction set's body to the
                handler registered for its GS01, ST01 and implementation convention.
    ack999      the 999 (005010X231A1) and, when due, a TA1 in the same reply interchange.
    p837        the 837P (005010X222A1) handler: loop structure, guide rules, claim mapping;
                `Professional837Reader` streams `ClaimRead` and `TransactionSetClosed` events;
                `ClaimAcknowledger` + `render_277ca` answer each claim with a 277CA (X214).
    p278        the 278 request (005010X217) handler: `Request278Reader` streams `Request278Read`
                (the review asked for, its AAA request errors) and `TransactionSetClosed`;
                `render_278_responses` answers with 278 responses (BHT02 11, HCR per service).

Using it (the claims endpoint)
    reader, acks = Professional837Reader(), ClaimAcknowledger()
    for event in reader.read(body_or_stream):      # or reader.feed(chunk) ... reader.close()
        acks.add(event)                             # stage ClaimRead; drop a rejected set's
    render_999(reader.acknowledgment, ControlNumbers(...), sent_at=now)
    render_277ca(acks.batches, reader.acknowledgment, ControlNumbers(...), sent_at=now, ...)
    The same verdicts are plain data (InterchangeAck, BatchAcknowledgment) for a JSON answer.

Decisions
    * No ISA, an ISA too short to read, or delimiters that collide: `UnreadableInterchangeError`
      (a ValueError). Without a readable ISA there is nobody to address a 999 to, so the endpoint
      answers 400 problem+json with the message.
    * ISA field errors (version other than 00501, bad qualifiers, dates, control number) reject
      the whole interchange: the reply is a TA1 with TA104 R and no 999 group.
    * Trailer problems are noted, not fatal, above the transaction set: a GE or IEA count or
      control number mismatch, a missing GE or IEA, or stray segments between sets give AK9 E /
      TA1 E. Each set is protected by its own SE count and control number; a set whose SE is
      wrong or missing (truncated file) is rejected (IK5 R, IK502 3, 4 or 2).
    * A group whose GS01, GS06 or GS08 cannot be processed is rejected (AK9 R with AK905 1, 6
      or 2) and so is every set in it. An 837 whose convention is not X222 (837I is X223) is
      rejected with IK502 I6; another transaction set id with IK502 1.
    * Memory: only the unterminated tail of the last chunk is kept; a segment longer than
      `max_segment_bytes` stops reading (noted, TA1) instead of buffering garbage; the 999 lists
      at most `max_errors_per_set` errors per set and counts the rest.

837P verdicts (what rejects what)
    * An error is reported where it occurs and reaches everything beneath: in the header (BHT,
      1000A, 1000B) it rejects the transaction set (IK5 R); in a 2000A/2000B/2000C level (with
      its 2010 loops) it rejects every claim under that level; in a 2300/2400 loop, that claim.
    * A set whose errors are all below the header is accepted with errors (IK5 E, IK502 I5) even
      if every claim in it is rejected: the 999 says the set was processed, the 277CA says which
      claims were not. A set with no error at all is A. Claims are emitted as they end, before
      the SE is seen; a set rejected at its SE takes its claims with it (drop them).
    * Two channels: syntax and guide errors go in the 999 and reject their claims; business edits
      (NPI check digit, CLM02 not equal to the sum of SV102, SV107 pointing past the HI codes,
      ICD-9 qualifiers for services from 2015-10-01) leave the 999 clean and reject the claim
      in the 277CA only, as clearinghouse front-end edits do.

277CA
    One 277 transaction set per accepted 837 transaction set, all in one reply interchange:
    the 277CA's information receiver and trace (1000A submitter, BHT03) belong to the 837 set,
    and sets may come from different submitters. A set rejected by the 999 gets no 277CA.

Lenient where clearinghouses are (noted in the 999, nothing rejected)
    * GS08/ST03 of the X222 family (X222, X222A1, X222A2) are all read as 837P.
    * A composite written with ">" while ISA16 declares ":" (or the reverse) is split on the
      separator actually used; a file mixing them is read per element.
    * HL01 that increases but does not start at 1 or skips numbers; HL04 that disagrees with the
      levels that follow; LX01 out of sequence; a 2300 segment placed after its 2310 loops.
    * A billing provider ZIP code of five digits (the guide wants nine); an EIN with a hyphen.
    * Trailing empty elements and a final segment without its terminator.
    Strict where the guide is unambiguous: CLM05-2 must be B; state codes must be real US/CA
    codes ("NA" is not); NPIs are ten digits; SV107 pointers are 1-12. PWK*CT*AD in a 2400 loop
    is valid (the DME certificate PWK allows AB/AD/AF/AG/NS) and is not reported.
"""

from claimflow_shared.x12.ack999 import render_999
from claimflow_shared.x12.errors import ElementError, SegmentError, Severity
from claimflow_shared.x12.p837 import (
    ClaimAcknowledger,
    ClaimRead,
    Professional837Reader,
    ProfessionalClaim,
    Source,
    render_277ca,
)
from claimflow_shared.x12.results import AckStatus, GroupAck, InterchangeAck, TransactionSetAck
from claimflow_shared.x12.tokenizer import UnreadableInterchangeError
from claimflow_shared.x12.transactions import TransactionSetClosed
from claimflow_shared.x12.writer import ControlNumbers

__all__ = [
    "AckStatus",
    "ClaimAcknowledger",
    "ClaimRead",
    "ControlNumbers",
    "ElementError",
    "GroupAck",
    "InterchangeAck",
    "Professional837Reader",
    "ProfessionalClaim",
    "SegmentError",
    "Severity",
    "Source",
    "TransactionSetAck",
    "TransactionSetClosed",
    "UnreadableInterchangeError",
    "render_277ca",
    "render_999",
]
