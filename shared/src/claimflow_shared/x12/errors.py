"""Error records shared by every X12 transaction: what went wrong, where, and how far it reaches.

Messages hold segment ids, element positions, rules and at most a code or a count (a qualifier,
a trailer count): never names, member ids, dates or amounts from the data, so they are safe to
log. The offending value travels apart, in `ElementError.bad_value` (the 999 IK404 copy).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


def shown(value: str, limit: int = 3) -> str:
    """Return a code from the data fit for a message: short and alphanumeric, else '?'."""
    return value if value and len(value) <= limit and value.isalnum() else "?"


class Severity(StrEnum):
    """How far an error reaches."""

    NOTE = "note"
    REJECT_ITEM = "reject_item"
    REJECT_SET = "reject_set"


class Channel(StrEnum):
    """Which acknowledgment reports an error: the 999 (syntax, guide) or only the 277CA (edits)."""

    SYNTAX = "syntax"
    BUSINESS = "business"


class SegmentCode(StrEnum):
    """IK304 implementation segment syntax error codes (X12 code list 620)."""

    UNRECOGNIZED = "1"
    UNEXPECTED = "2"
    REQUIRED_MISSING = "3"
    LOOP_OVER_MAXIMUM = "4"
    SEGMENT_OVER_MAXIMUM = "5"
    NOT_IN_TRANSACTION = "6"
    OUT_OF_SEQUENCE = "7"
    ELEMENT_ERRORS = "8"
    DEPENDENT_MISSING = "I6"


class ElementCode(StrEnum):
    """IK403 implementation data element syntax error codes (X12 code list 621)."""

    REQUIRED_MISSING = "1"
    CONDITIONAL_MISSING = "2"
    TOO_MANY_ELEMENTS = "3"
    TOO_SHORT = "4"
    TOO_LONG = "5"
    INVALID_CHARACTER = "6"
    INVALID_CODE = "7"
    INVALID_DATE = "8"
    INVALID_TIME = "9"
    EXCLUSION_VIOLATED = "10"
    TOO_MANY_COMPONENTS = "13"
    CODE_NOT_USED = "I6"
    DEPENDENT_MISSING = "I9"
    PATTERN_MISMATCH = "I12"


class SetCode(StrEnum):
    """IK502 transaction set syntax error codes (X12 code list 718)."""

    NOT_SUPPORTED = "1"
    TRAILER_MISSING = "2"
    CONTROL_NUMBER_MISMATCH = "3"
    SEGMENT_COUNT_MISMATCH = "4"
    SEGMENTS_IN_ERROR = "5"
    MISSING_IDENTIFIER = "6"
    MISSING_CONTROL_NUMBER = "7"
    DUPLICATE_CONTROL_NUMBER = "23"
    IMPLEMENTATION_ERRORS = "I5"
    CONVENTION_NOT_SUPPORTED = "I6"


class GroupCode(StrEnum):
    """AK905 functional group syntax error codes (X12 code list 716)."""

    NOT_SUPPORTED = "1"
    VERSION_NOT_SUPPORTED = "2"
    TRAILER_MISSING = "3"
    CONTROL_NUMBER_MISMATCH = "4"
    SET_COUNT_MISMATCH = "5"
    CONTROL_NUMBER_INVALID = "6"
    DUPLICATE_CONTROL_NUMBER = "19"


class InterchangeCode(StrEnum):
    """TA105 interchange note codes (X12 code list I18)."""

    CONTROL_NUMBER_MISMATCH = "001"
    VERSION_NOT_SUPPORTED = "017"
    INVALID_SENDER_QUALIFIER = "005"
    INVALID_SENDER_ID = "006"
    INVALID_RECEIVER_QUALIFIER = "007"
    INVALID_RECEIVER_ID = "008"
    INVALID_AUTHORIZATION_QUALIFIER = "010"
    INVALID_SECURITY_QUALIFIER = "012"
    INVALID_DATE = "014"
    INVALID_TIME = "015"
    INVALID_CONTROL_NUMBER = "018"
    INVALID_ACK_REQUESTED = "019"
    INVALID_USAGE_INDICATOR = "020"
    INVALID_GROUP_COUNT = "021"
    INVALID_CONTROL_STRUCTURE = "022"
    PREMATURE_END = "023"
    INVALID_CONTENT = "024"


@dataclass(frozen=True, slots=True)
class ElementError:
    """One bad element (a 999 IK4): its position, reference number, error code and a copy of it."""

    position: int
    code: ElementCode
    reference: str | None = None
    component: int | None = None
    repetition: int | None = None
    bad_value: str | None = None


@dataclass(frozen=True, slots=True)
class SegmentError:
    """One problem at a segment (a 999 IK3, with its IK4 when an element is to blame).

    `item_id` names the business item (837: CLM01) for the 999 CTX; `status_code` and `entity`
    are the item-level status (claim status code, entity identifier) a 277CA-style reply reports.
    """

    segment_id: str
    position: int
    loop_id: str | None
    code: SegmentCode
    message: str
    severity: Severity = Severity.REJECT_ITEM
    element: ElementError | None = None
    channel: Channel = Channel.SYNTAX
    item_id: str | None = None
    status_code: str | None = None
    entity: str | None = None

    @property
    def rejects(self) -> bool:
        """Tell whether this error rejects something (rather than only being noted)."""
        return self.severity is not Severity.NOTE


@dataclass(frozen=True, slots=True)
class GroupError:
    """A functional group problem (a 999 AK905 code)."""

    code: GroupCode
    message: str


@dataclass(frozen=True, slots=True)
class InterchangeError:
    """An interchange envelope problem (a TA1 note code); a fatal one rejects the interchange."""

    code: InterchangeCode
    message: str
    fatal: bool
