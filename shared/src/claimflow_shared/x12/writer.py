"""Writing X12 text: segments with the inbound file's delimiters inside ISA/GS/ST envelopes.

Control numbers come from the caller (ISA13, GS06 and the first ST02); counts (SE01, GE01, IEA01)
are computed. The reply goes back to the sender, so ISA05/06 and ISA07/08 trade places with the
inbound ISA, and GS02/GS03 with the inbound GS.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from claimflow_shared.x12.tokenizer import Delimiters, IsaHeader
from claimflow_shared.x12.values import OUTSIDE_CHARACTER_SET

Element = str | Sequence[str]
_SPARE_REPETITION = ("^", "{", "|")


@dataclass(frozen=True, slots=True)
class ControlNumbers:
    """The control numbers the caller assigns to an outbound interchange."""

    interchange: int
    group: int
    first_set: int = 1


class InterchangeWriter:
    """Accumulates one outbound interchange: optional TA1, then groups of transaction sets."""

    def __init__(self, inbound: IsaHeader, control: ControlNumbers, sent_at: datetime) -> None:
        """Prepare the ISA for a reply to `inbound`, sent at `sent_at`."""
        self._inbound = inbound
        self._control = control
        self._sent_at = sent_at
        self._delimiters = inbound.delimiters
        self._repetition = _repetition(inbound.delimiters)
        reserved = {
            self._delimiters.element,
            self._delimiters.component,
            self._delimiters.segment,
            self._repetition,
        }
        self._clean = str.maketrans({c: " " for c in reserved} | {"\r": " ", "\n": " "})
        self._parts: list[str] = []
        self._groups = 0
        self._sets_in_group = 0
        self._next_set = control.first_set
        self._set_start = 0
        self._set_control = ""
        self._write_isa()

    def segment(self, tag: str, *elements: Element) -> None:
        """Write one segment; a sequence element is a composite; trailing empties are dropped."""
        d = self._delimiters
        values = [tag] + [self._element(e) for e in elements]
        while len(values) > 1 and not values[-1]:
            values.pop()
        self._parts.append(d.element.join(values) + d.segment + d.line_break)

    def _element(self, element: Element) -> str:
        """Render a simple or composite element with delimiters removed from its values.

        Characters outside the X12 character sets are dropped too: an echoed bad value (a 999
        IK404 copy, a 277CA name) must not carry a NUL or another script into the reply.
        """
        if isinstance(element, str):
            return self._text(element)
        components = [self._text(c) for c in element]
        while components and not components[-1]:
            components.pop()
        return self._delimiters.component.join(components)

    def _text(self, value: str) -> str:
        value = value.translate(self._clean)
        if value.isascii() and value.isprintable():
            return value
        return OUTSIDE_CHARACTER_SET.sub("", value)

    def begin_group(self, functional_id: str, version: str, sender: str, receiver: str) -> None:
        """Open a functional group; blank application codes fall back to the swapped ISA ids."""
        sender = sender or self._inbound.get(8)
        receiver = receiver or self._inbound.get(6)
        self._groups += 1
        self._sets_in_group = 0
        self.segment(
            "GS",
            functional_id,
            sender,
            receiver,
            self._sent_at.strftime("%Y%m%d"),
            self._sent_at.strftime("%H%M"),
            str(self._control.group),
            "X",
            version,
        )

    def begin_set(self, set_id: str, convention: str) -> str:
        """Open a transaction set and return its control number."""
        self._set_control = f"{self._next_set:04d}"
        self._next_set += 1
        self._sets_in_group += 1
        self._set_start = len(self._parts)
        self.segment("ST", set_id, self._set_control, convention)
        return self._set_control

    def end_set(self) -> None:
        """Close the open transaction set with its segment count."""
        count = len(self._parts) - self._set_start + 1
        self.segment("SE", str(count), self._set_control)

    def end_group(self) -> None:
        """Close the open functional group."""
        self.segment("GE", str(self._sets_in_group), str(self._control.group))

    def finish(self) -> str:
        """Close the interchange and return its text."""
        self.segment("IEA", str(self._groups), f"{self._control.interchange:09d}")
        return "".join(self._parts)

    def _write_isa(self) -> None:
        """Write the ISA with sender and receiver swapped from the inbound ISA."""
        isa = self._inbound
        usage = isa.get(15) if isa.get(15) in ("P", "T") else "P"
        fields = (
            "ISA",
            "00",
            " " * 10,
            "00",
            " " * 10,
            isa.get(7).ljust(2)[:2],
            isa.get(8).translate(self._clean).ljust(15)[:15],
            isa.get(5).ljust(2)[:2],
            isa.get(6).translate(self._clean).ljust(15)[:15],
            self._sent_at.strftime("%y%m%d"),
            self._sent_at.strftime("%H%M"),
            self._repetition,
            "00501",
            f"{self._control.interchange:09d}",
            "0",
            usage,
            self._delimiters.component,
        )
        d = self._delimiters
        self._parts.append(d.element.join(fields) + d.segment + d.line_break)


def _repetition(delimiters: Delimiters) -> str:
    """Return the inbound repetition separator, or a spare character when it declared none."""
    if delimiters.repetition is not None:
        return delimiters.repetition
    taken = {delimiters.element, delimiters.component, delimiters.segment}
    return next(c for c in _SPARE_REPETITION if c not in taken)
