"""X12 EDI for claimflow: a streaming, transaction-agnostic reader and the acknowledgments it owes.

Layers
    tokenizer   delimiters from the ISA (ISA byte 4, ISA11, ISA16, the byte after ISA16, and any
                CR/LF after terminators); bytes in, lists of element strings out, chunk by chunk.
    envelope    ISA/GS/ST/SE/GE/IEA checks and counts; hands each transaction set's body to the
                handler registered for its GS01, ST01 and implementation convention.
    ack999      the 999 (005010X231A1) and, when due, a TA1 in the same reply interchange.

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
"""
