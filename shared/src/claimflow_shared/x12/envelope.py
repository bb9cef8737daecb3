"""The transaction-agnostic interchange reader: envelope checks, counts and dispatch to handlers.

`InterchangeReader` is a push reader: `feed(chunk)` returns the events that chunk completes and
`close()` the rest, then `result` holds the structured 999/TA1 verdict. Transaction sets go to
the `TransactionHandler` registered for their GS01, ST01 and implementation convention (ST03,
else GS08); a set nobody handles is rejected with "transaction set not supported" (IK502 1) or,
when only its convention is unknown, "implementation convention not supported" (IK502 I6).
"""

from __future__ import annotations

from collections.abc import Sequence

from claimflow_shared.x12.envelope_checks import (
    GROUP_FATAL,
    check_gs,
    check_isa,
    count_mismatch,
    interchange_status,
)
from claimflow_shared.x12.envelope_state import (
    GroupState,
    SetState,
    group_verdict,
    set_verdict,
    trimmed,
)
from claimflow_shared.x12.errors import (
    GroupCode,
    GroupError,
    InterchangeCode,
    InterchangeError,
    SetCode,
    shown,
)
from claimflow_shared.x12.results import GroupAck, InterchangeAck
from claimflow_shared.x12.tokenizer import (
    IsaHeader,
    SegmentSplitter,
    UnreadableInterchangeError,
    read_isa,
)
from claimflow_shared.x12.transactions import (
    ENVELOPE_SEGMENTS,
    GroupHeader,
    TransactionContext,
    TransactionHandler,
    TransactionSetClosed,
    TransactionSetHeader,
    TransactionType,
)

_HEAD_BYTES = 4096
_MAX_INTERCHANGE_ERRORS = 50


class InterchangeReader:
    """Push reader for one interchange: feed bytes, collect events, then read `result`."""

    def __init__(
        self,
        types: Sequence[TransactionType],
        *,
        max_segment_bytes: int = 100_000,
        max_errors_per_set: int = 1000,
    ) -> None:
        """Register the handled transaction types and the safety limits."""
        self._types = tuple(types)
        self._functional_ids = frozenset(t.functional_id for t in types)
        self._max_segment = max_segment_bytes
        self._max_errors = max_errors_per_set
        self._head = b""
        self._isa: IsaHeader | None = None
        self._splitter: SegmentSplitter | None = None
        self._out: list[object] = []
        self._state = "interchange"
        self._group: GroupState | None = None
        self._set: SetState | None = None
        self._groups: list[GroupAck] = []
        self._group_numbers: set[str] = set()
        self._errors: list[InterchangeError] = []
        self._result: InterchangeAck | None = None

    @property
    def result(self) -> InterchangeAck:
        """Return the interchange verdict; only available after `close()`."""
        if self._result is None:
            raise RuntimeError("the interchange is still being read: call close() first")
        return self._result

    def feed(self, chunk: bytes) -> list[object]:
        """Consume a chunk and return the events it completes."""
        if self._splitter is None:
            self._head += chunk
            if len(self._head) < _HEAD_BYTES:
                return []
            self._start(self._head)
            self._head = b""
        elif self._state != "rejected":
            self._consume(self._splitter.feed(chunk))
        return self._drain()

    def close(self) -> list[object]:
        """Finish the interchange: flush the last segment, close open envelopes, build `result`."""
        if self._splitter is None:
            self._start(self._head)
            self._head = b""
        assert self._splitter is not None
        if self._state != "rejected":
            self._consume(self._splitter.close())
            self._finish_envelopes()
        self._result = self._build_result()
        return self._drain()

    def _drain(self) -> list[object]:
        """Hand over the pending events."""
        out, self._out = self._out, []
        return out

    def _start(self, head: bytes) -> None:
        """Read the ISA, check it and start splitting the rest."""
        isa, offset = read_isa(head)
        self._isa = isa
        self._splitter = SegmentSplitter(isa.delimiters, max_segment_bytes=self._max_segment)
        fatal = check_isa(isa)
        self._errors.extend(fatal)
        if fatal:
            self._state = "rejected"
            return
        self._consume(self._splitter.feed(head[offset:]))

    def _consume(self, segments: list[list[str]]) -> None:
        """Hand runs of body segments to the open handler; handle envelope segments here."""
        index, count = 0, len(segments)
        while index < count:
            state = self._set
            if state is not None and state.handler is not None:
                index, state.position = state.handler.segments(segments, index, state.position)
                if index >= count:
                    break
            elements = segments[index]
            index += 1
            if state is not None and elements[0] not in ENVELOPE_SEGMENTS:
                state.position += 1
                continue
            self._control(elements)
        if self._splitter is not None and self._splitter.overflowed:
            self._note(
                InterchangeCode.INVALID_CONTENT,
                "no segment terminator found within "
                f"{self._max_segment} bytes; the rest of the data was ignored",
                fatal=False,
            )
            self._state = "overflowed"

    def _control(self, elements: list[str]) -> None:
        """Handle an envelope segment, or a segment found outside any transaction set."""
        tag = elements[0].strip()
        if not tag or self._state in ("done", "overflowed"):
            if tag and self._state == "done":
                self._stray(tag, "after the IEA trailer")
            return
        handlers = {
            "GS": self._on_gs,
            "ST": self._on_st,
            "SE": self._on_se,
            "GE": self._on_ge,
            "IEA": self._on_iea,
        }
        handler = handlers.get(tag)
        if handler is not None:
            handler(elements)
        elif tag != "TA1":
            self._stray(tag, "outside any transaction set")

    def _stray(self, tag: str, where: str) -> None:
        """Note a segment that belongs to no envelope position."""
        self._note(
            InterchangeCode.INVALID_CONTENT, f"segment {shown(tag)} found {where}", fatal=False
        )

    def _note(self, code: InterchangeCode, message: str, *, fatal: bool) -> None:
        """Record an interchange-level problem, keeping the list bounded."""
        if len(self._errors) < _MAX_INTERCHANGE_ERRORS or fatal:
            self._errors.append(InterchangeError(code, message, fatal))

    def _on_gs(self, elements: list[str]) -> None:
        """Open a functional group (closing one left open)."""
        self._close_open(missing_trailers=True)
        header = GroupHeader(
            trimmed(elements, 1),
            trimmed(elements, 2),
            trimmed(elements, 3),
            trimmed(elements, 6),
            trimmed(elements, 8),
        )
        errors = check_gs(elements, supported=header.functional_id in self._functional_ids)
        group = GroupState(header, not any(e.code in GROUP_FATAL for e in errors))
        group.errors.extend(errors)
        if header.control_number in self._group_numbers:
            group.errors.append(
                GroupError(
                    GroupCode.DUPLICATE_CONTROL_NUMBER,
                    "GS06 repeats an earlier group's control number",
                )
            )
        self._group_numbers.add(header.control_number)
        self._group = group
        self._state = "group"

    def _on_st(self, elements: list[str]) -> None:
        """Open a transaction set and find its handler."""
        if self._state == "set":
            self._close_set(None)
        if self._group is None:
            self._stray("ST", "outside a functional group")
            return
        assert self._isa is not None
        group = self._group
        set_id, control = trimmed(elements, 1), trimmed(elements, 2)
        header = TransactionSetHeader(
            set_id, control, trimmed(elements, 3) or group.header.version, group.header, self._isa
        )
        state = SetState(header, self._max_errors)
        state.codes.extend(self._st_codes(set_id, control, group))
        group.control_numbers.add(control)
        if not state.codes:
            state.handler = self._handler_for(header, state)
        self._set = state
        self._state = "set"

    def _st_codes(self, set_id: str, control: str, group: GroupState) -> list[SetCode]:
        """Return the IK502 codes an ST earns by itself."""
        codes: list[SetCode] = []
        if not set_id:
            codes.append(SetCode.MISSING_IDENTIFIER)
        if not 4 <= len(control) <= 9:
            codes.append(SetCode.MISSING_CONTROL_NUMBER)
        elif control in group.control_numbers:
            codes.append(SetCode.DUPLICATE_CONTROL_NUMBER)
        if not group.supported or not self._matches(group.header.functional_id, set_id):
            codes.append(SetCode.NOT_SUPPORTED)
        return codes

    def _matches(self, functional_id: str, set_id: str) -> bool:
        """Tell whether any handler takes this GS01 and ST01."""
        return any(t.functional_id == functional_id and t.set_id == set_id for t in self._types)

    def _handler_for(
        self, header: TransactionSetHeader, state: SetState
    ) -> TransactionHandler | None:
        """Build the handler for the set's convention, or record why there is none."""
        for kind in self._types:
            if (kind.functional_id, kind.set_id) != (header.group.functional_id, header.set_id):
                continue
            if header.convention.startswith(kind.convention_prefix):
                assert self._isa is not None
                context = TransactionContext(
                    header, self._isa.delimiters, state.report, self._out_append
                )
                return kind.factory(context)
        state.codes.append(SetCode.CONVENTION_NOT_SUPPORTED)
        return None

    def _out_append(self, event: object) -> None:
        """Queue an event from a handler."""
        self._out.append(event)

    def _on_se(self, elements: list[str]) -> None:
        """Close the open transaction set against its trailer."""
        if self._set is None:
            self._stray("SE", "without a matching ST")
            return
        self._set.position += 1
        self._close_set(elements)

    def _on_ge(self, elements: list[str]) -> None:
        """Close the open functional group against its trailer."""
        if self._set is not None:
            self._close_set(None)
        if self._group is None:
            self._stray("GE", "without a matching GS")
            return
        self._close_group(elements)

    def _on_iea(self, elements: list[str]) -> None:
        """Close the interchange and check its counts."""
        self._close_open(missing_trailers=True)
        assert self._isa is not None
        if count_mismatch(trimmed(elements, 1), len(self._groups)):
            self._note(
                InterchangeCode.INVALID_GROUP_COUNT,
                f"IEA01 says {shown(trimmed(elements, 1), 9)!r} groups but the interchange holds "
                f"{len(self._groups)}",
                fatal=False,
            )
        if trimmed(elements, 2) != self._isa.get(13):
            self._note(
                InterchangeCode.CONTROL_NUMBER_MISMATCH,
                "IEA02 does not match the ISA13 interchange control number",
                fatal=False,
            )
        self._state = "done"

    def _close_open(self, *, missing_trailers: bool) -> None:
        """Close any set and group still open, as if their trailers were missing."""
        if self._set is not None:
            self._close_set(None)
        if self._group is not None and missing_trailers:
            self._close_group(None)

    def _close_set(self, trailer: list[str] | None) -> None:
        """Finish the open set: check SE, let the handler finish, record and emit the verdict."""
        state, group = self._set, self._group
        assert state is not None and group is not None
        self._set = None
        self._state = "group"
        counts = state.handler.finish(state.position) if state.handler is not None else (0, 0)
        ack = set_verdict(state, group, trailer, counts)
        group.sets.append(ack)
        self._out.append(TransactionSetClosed(ack))

    def _close_group(self, trailer: list[str] | None) -> None:
        """Finish the open group against its GE trailer."""
        group = self._group
        assert group is not None
        self._group = None
        self._state = "interchange"
        self._groups.append(group_verdict(group, trailer))

    def _finish_envelopes(self) -> None:
        """Close what the data left open and note a missing IEA."""
        if self._state in ("done",):
            return
        self._close_open(missing_trailers=True)
        self._note(
            InterchangeCode.PREMATURE_END,
            "the data ends before the IEA interchange trailer",
            fatal=not self._groups,
        )

    def _build_result(self) -> InterchangeAck:
        """Assemble the interchange verdict."""
        assert self._isa is not None
        if not self._groups and not any(e.fatal for e in self._errors):
            self._errors.append(
                InterchangeError(
                    InterchangeCode.INVALID_CONTENT,
                    "the interchange holds no functional group",
                    True,
                )
            )
        status = interchange_status(self._errors)
        return InterchangeAck(self._isa, status, tuple(self._errors), tuple(self._groups))


__all__ = [
    "GroupHeader",
    "InterchangeReader",
    "TransactionContext",
    "TransactionHandler",
    "TransactionSetClosed",
    "TransactionSetHeader",
    "TransactionType",
    "UnreadableInterchangeError",
]
