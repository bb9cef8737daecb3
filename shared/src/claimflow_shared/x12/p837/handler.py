"""The 837P transaction handler: routes each body segment to its loop, checks it and maps it."""

from __future__ import annotations

import re

from claimflow_shared.x12.elements import SegmentSpec
from claimflow_shared.x12.errors import SegmentCode, Severity, shown
from claimflow_shared.x12.fastcheck import FastCheck, fast_check
from claimflow_shared.x12.p837.base import Mapper, Route, RouteTable
from claimflow_shared.x12.p837.claims import ClaimsMixin
from claimflow_shared.x12.p837.lines import LinesMixin
from claimflow_shared.x12.p837.loops import (
    ALLOWED,
    KNOWN_SEGMENTS,
    LINE_SUBLOOPS,
    NM1_LOOPS,
    enclosing,
)
from claimflow_shared.x12.p837.parties import PartiesMixin
from claimflow_shared.x12.p837.specs import SPECS
from claimflow_shared.x12.transactions import (
    ENVELOPE_SEGMENTS,
    TransactionContext,
    TransactionType,
)

FUNCTIONAL_ID = "HC"
SET_ID = "837"
CONVENTION_PREFIX = "005010X222"

_SEGMENT_ID = re.compile(r"[A-Z][A-Z0-9]{1,2}")


class Professional837Handler(PartiesMixin, ClaimsMixin, LinesMixin):
    """Reads one 837P transaction set and emits a ClaimRead as each claim ends."""

    def segments(self, batch: list[list[str]], start: int, position: int) -> tuple[int, int]:
        """Take body segments until an envelope segment; return where reading stopped."""
        seen = self._seen
        separator = self._split.declared
        for index in range(start, len(batch)):
            elements = batch[index]
            tag = elements[0]
            route = self._here.get(tag)
            if route is None:
                if tag in ENVELOPE_SEGMENTS:
                    return index, position
                route = self._misplaced(tag, position + 1)
                if route is None:
                    position += 1
                    continue
            position += 1
            seen.add(tag)
            segment_spec, quick, mapper = route
            if quick is not None and quick(elements, separator) is None:
                assert segment_spec is not None
                self._check(tag, elements, position, segment_spec)
            if mapper is not None:
                mapper(self, elements, position)
        return len(batch), position

    def _route_table(self) -> RouteTable:
        """Return the shared route table of the 837P loops."""
        return _routes()

    def _misplaced(self, tag: str, position: int) -> Route | None:
        """Find an enclosing loop for a segment out of its place, noting it; else reject it."""
        target = enclosing(self._loop, tag)
        if target is None:
            self._unexpected(tag, position)
            return None
        self._issue(
            tag,
            position,
            SegmentCode.OUT_OF_SEQUENCE,
            f"segment {tag} belongs before the loops that follow {target}; read as part of it",
            severity=Severity.NOTE,
            loop=target,
        )
        self._enter(target, position)
        return self._here[tag]

    def finish(self, position: int) -> tuple[int, int]:
        """End the set: close the open claim and levels; return (claims accepted, rejected)."""
        self._close_claim(position)
        self._leave(position)
        if not self._header_checked:
            self._ready_header(position)
            self._issue(
                "HL",
                position,
                SegmentCode.REQUIRED_MISSING,
                "the transaction set has no 2000A billing provider level",
                severity=Severity.REJECT_SET,
                loop="2000A",
            )
        self._close_levels("20", position)
        return self._accepted, self._rejected

    def _unexpected(self, tag: str, position: int) -> None:
        """Record a segment that has no place where it appears."""
        label = tag[:3] if _SEGMENT_ID.fullmatch(tag[:3]) else "???"
        if tag in KNOWN_SEGMENTS:
            code = SegmentCode.UNEXPECTED
        elif _SEGMENT_ID.fullmatch(tag):
            code = SegmentCode.NOT_IN_TRANSACTION
        else:
            code = SegmentCode.UNRECOGNIZED
        self._issue(label, position, code, f"segment {label} is not expected in loop {self._loop}")

    def _on_nm1(self, elements: list[str], position: int) -> None:
        """Open the loop an NM1 qualifier names within the current level."""
        qualifier = elements[1] if len(elements) > 1 else ""
        opened = _nm1_routes().get(self._level, _NO_NM1).get(qualifier)
        if opened is None:
            self._issue(
                "NM1",
                position,
                SegmentCode.UNEXPECTED,
                f"NM1*{shown(qualifier)} is not expected within loop {self._level}",
            )
            return
        loop, segment_spec, quick, mapper = opened
        self._enter(loop, position)
        if quick is not None and quick(elements, self._split.declared) is None:
            assert segment_spec is not None
            self._check("NM1", elements, position, segment_spec)
        if mapper is not None:
            mapper(self, elements, position)

    def _on_sbr_any(self, elements: list[str], position: int) -> None:
        """Route SBR: the subscriber's own (2000B) or another payer's (2320)."""
        subscriber = self._subscriber
        if self._loop == "2000B" and subscriber is not None and not subscriber.has_sbr:
            self._check("SBR", elements, position, SPECS[("2000B", "SBR")])
            self._on_sbr(elements, position)
        elif self._claim is not None and self._line is None:
            self._enter("2320", position)
            self._level = "2320"
        else:
            self._unexpected("SBR", position)

    def _on_line_subloop(self, elements: list[str], position: int) -> None:
        """Open the 2410, 2430 or 2440 loop of the current service line."""
        tag = elements[0]
        if self._line is None:
            self._unexpected(tag, position)
        else:
            self._enter(LINE_SUBLOOPS[tag], position)


_STARTERS: dict[str, Mapper] = {
    "HL": Professional837Handler._on_hl,
    "CLM": Professional837Handler._on_clm,
    "LX": Professional837Handler._on_lx,
    "NM1": Professional837Handler._on_nm1,
    "SBR": Professional837Handler._on_sbr_any,
    "LIN": Professional837Handler._on_line_subloop,
    "SVD": Professional837Handler._on_line_subloop,
    "LQ": Professional837Handler._on_line_subloop,
}

_MAPPERS: dict[tuple[str, str], Mapper] = {
    ("HEADER", "BHT"): Professional837Handler._on_bht,
    ("1000A", "NM1"): Professional837Handler._nm1_submitter,
    ("1000B", "NM1"): Professional837Handler._nm1_receiver,
    ("2000A", "PRV"): Professional837Handler._prv_billing,
    ("2010AA", "NM1"): Professional837Handler._nm1_billing,
    ("2010AA", "REF"): Professional837Handler._ref_billing,
    ("2010BA", "NM1"): Professional837Handler._nm1_subscriber,
    ("2010BA", "N3"): Professional837Handler._n3_person,
    ("2010BA", "N4"): Professional837Handler._n4_person,
    ("2010BA", "DMG"): Professional837Handler._dmg_person,
    ("2010BB", "NM1"): Professional837Handler._nm1_payer,
    ("2000C", "PAT"): Professional837Handler._on_pat,
    ("2010CA", "NM1"): Professional837Handler._nm1_patient,
    ("2010CA", "N3"): Professional837Handler._n3_person,
    ("2010CA", "N4"): Professional837Handler._n4_person,
    ("2010CA", "DMG"): Professional837Handler._dmg_person,
    ("2300", "HI"): Professional837Handler._on_hi,
    ("2300", "DTP"): Professional837Handler._claim_dtp,
    ("2300", "REF"): Professional837Handler._claim_ref,
    ("2310B", "NM1"): Professional837Handler._nm1_claim_rendering,
    ("2400", "SV1"): Professional837Handler._on_sv1,
    ("2400", "DTP"): Professional837Handler._line_dtp,
    ("2400", "REF"): Professional837Handler._line_ref,
    ("2400", "PWK"): Professional837Handler._line_pwk,
    ("2420A", "NM1"): Professional837Handler._nm1_line_rendering,
    **{
        (loop, "NM1"): Professional837Handler._nm1_other_provider
        for loop in ("2310A", "2310C", "2310D", "2420C", "2420D", "2420E", "2420F")
    },
}

_SELF_CHECKED = {("2400", "SV1"), ("2400", "PWK")}
Nm1Route = tuple[str, SegmentSpec | None, FastCheck | None, Mapper | None]
_ROUTE_TABLE: RouteTable = {}


def _routes() -> RouteTable:
    """Return, per loop, each allowed segment's spec, compiled quick check and mapper.

    Every loop's table also routes the loop-opening segments (HL, CLM, LX, NM1, ...), and the
    table under the empty key holds only those, for loops that allow nothing else.
    """
    if not _ROUTE_TABLE:
        starters: dict[str, Route] = {
            tag: (None, None, mapper) for tag, mapper in _STARTERS.items()
        }
        _ROUTE_TABLE[""] = starters
        for loop, tags in ALLOWED.items():
            table = _ROUTE_TABLE.setdefault(loop, dict(starters))
            for tag in tags - starters.keys():
                key = (loop, tag)
                spec = None if key in _SELF_CHECKED else SPECS.get(key)
                table[tag] = (spec, fast_check(spec) if spec else None, _MAPPERS.get(key))
    return _ROUTE_TABLE


_NM1_TABLE: dict[str, dict[str, Nm1Route]] = {}
_NO_NM1: dict[str, Nm1Route] = {}


def _nm1_routes() -> dict[str, dict[str, Nm1Route]]:
    """Return, per level loop and NM101 qualifier, the loop it opens and that NM1's route."""
    if not _NM1_TABLE:
        for level, loops in NM1_LOOPS.items():
            table = _NM1_TABLE.setdefault(level, {})
            for qualifier, loop in loops.items():
                spec = SPECS.get((loop, "NM1"))
                quick = fast_check(spec) if spec else None
                table[qualifier] = (loop, spec, quick, _MAPPERS.get((loop, "NM1")))
    return _NM1_TABLE


def professional_837() -> TransactionType:
    """Return the registration that routes 837 005010X222 transaction sets to this handler."""
    return TransactionType(FUNCTIONAL_ID, SET_ID, CONVENTION_PREFIX, _new_handler)


def _new_handler(context: TransactionContext) -> Professional837Handler:
    """Build a handler for one transaction set."""
    return Professional837Handler(context)
