"""The claim-edit tables applied across lines: NCCI PTP pairs, MUE limits and add-on codes.

Add-on code edit types, as CMS defines them, and what review does with each:
- type 1, a closed list of primaries: reject unless a listed primary is on the claim on the same
  date of service;
- type 2, no primaries named by CMS (contractors define them): warn when no other procedure that is
  not itself an add-on code is on the same date;
- type 3, some primaries named, contractors may accept others: warn when none of the named ones is
  on the same date.
"""

from __future__ import annotations

from collections import defaultdict

from code_catalog.review.findings import Finding, RuleId, Severity
from code_catalog.review.lines import ReviewLine
from code_catalog.review.tables import AddOnEdit, CatalogTables, PtpEdit

REJECT = Severity.REJECT
WARN = Severity.WARN
MUE_LINE_EDIT = 1
APPEALABLE_MUE = 3


def _ptp_edit(edits: tuple[PtpEdit, ...], day: int) -> PtpEdit | None:
    """The edit of a pair in force on a day: effective on or before it, deleted after it."""
    for edit in edits:
        if edit.effective <= day < edit.deleted:
            return edit
    return None


def _ptp_message(first: ReviewLine, second: ReviewLine, edit: PtpEdit) -> str:
    """Explain why the column 2 line is denied."""
    reason = (
        "modifier indicator 0: no modifier allows both"
        if edit.modifier_indicator == 0
        else "modifier indicator 1 and no NCCI-associated modifier on either line"
    )
    return (
        f"{second.code} (column 2) is not payable with {first.code} (column 1, line "
        f"{first.number}) on {second.service_date}: {reason}; {edit.rationale}"
    )


def check_ptp(days: dict[int, list[ReviewLine]], tables: CatalogTables, out: list[Finding]) -> None:
    """Deny the column 2 line of an NCCI pair billed on one date unless a modifier allows it."""
    ptp = tables.ptp
    for day, lines in days.items():
        if len(lines) < 2:
            continue
        for first in lines:
            column2 = ptp.get(first.code)
            if column2 is None:
                continue
            for second in lines:
                edits = column2.get(second.code)
                edit = _ptp_edit(edits, day) if edits and second is not first else None
                if edit is None or edit.modifier_indicator == 9:
                    continue
                if edit.modifier_indicator == 1 and (first.ncci_modifier or second.ncci_modifier):
                    continue
                message = _ptp_message(first, second, edit)
                release = tables.releases.ptp
                out.append(Finding(second.number, RuleId.NCCI_PTP, REJECT, message, release))


def check_mue(lines: list[ReviewLine], tables: CatalogTables, out: list[Finding]) -> None:
    """Units within the MUE: per line (MAI 1), or summed per code and date (MAI 2 and 3)."""
    release = tables.releases.mue
    groups: dict[tuple[str, int], list[ReviewLine]] = defaultdict(list)
    for line in lines:
        edit = tables.mue.get(line.code)
        if edit is None:
            continue
        if edit.indicator != MUE_LINE_EDIT:
            groups[(line.code, line.day)].append(line)
        elif line.units > edit.max_units:
            message = f"{line.units} units of {line.code} exceed the MUE of {edit.max_units} a line"
            out.append(Finding(line.number, RuleId.MUE_LINE, REJECT, message, release))
    for (code, _), group in groups.items():
        edit = tables.mue[code]
        total = sum(line.units for line in group)
        if total <= edit.max_units:
            continue
        message = (
            f"{total} units of {code} on {group[0].service_date} exceed the MUE of "
            f"{edit.max_units} per date of service (MAI {edit.indicator} {edit.label})"
        )
        appealable = edit.indicator == APPEALABLE_MUE
        for line in group:
            out.append(Finding(line.number, RuleId.MUE_DOS, REJECT, message, release, appealable))


def _addon_edits(edits: tuple[AddOnEdit, ...], day: int) -> dict[int, set[str | None]]:
    """The primaries of the edits in force on a day, by edit type."""
    in_force: dict[int, set[str | None]] = defaultdict(set)
    for edit in edits:
        if edit.effective <= day < edit.deleted:
            primary = edit.primary if day < edit.primary_deleted else None
            in_force[edit.edit_type].add(primary)
    return in_force


def _dates_elsewhere(line: ReviewLine, codes: set[str], days: dict[int, list[ReviewLine]]) -> str:
    """The other dates of service on which any of the codes is billed, for a message."""
    dates = sorted(
        {
            str(other.service_date)
            for group in days.values()
            for other in group
            if other.code in codes and other.day != line.day
        }
    )
    return f"; a listed primary is billed on {', '.join(dates)}" if dates else ""


def _listed_primary_finding(
    line: ReviewLine,
    in_force: dict[int, set[str | None]],
    same_day: set[str],
    days: dict[int, list[ReviewLine]],
) -> tuple[Severity, str] | None:
    """Type 1 (reject) or type 3 (warn) when none of the listed primaries is on the date."""
    for edit_type, severity in ((1, REJECT), (3, WARN)):
        if edit_type not in in_force:
            continue
        listed = {primary for primary in in_force[edit_type] if primary is not None}
        if listed & same_day:
            return None
        message = (
            f"add-on code {line.code} (type {edit_type}) has none of its primary codes "
            f"({', '.join(sorted(listed)) or 'none in force'}) on {line.service_date}"
            f"{_dates_elsewhere(line, listed, days)}"
        )
        return severity, message
    return None


def _addon_finding(
    line: ReviewLine,
    in_force: dict[int, set[str | None]],
    days: dict[int, list[ReviewLine]],
    tables: CatalogTables,
) -> Finding | None:
    """The add-on finding for one line, if its primary is missing."""
    same_day = {other.code for other in days.get(line.day, ()) if other is not line}
    release = tables.releases.addons
    listed = _listed_primary_finding(line, in_force, same_day, days)
    if listed is not None:
        severity, message = listed
        return Finding(line.number, RuleId.ADDON_NO_PRIMARY, severity, message, release)
    if 2 in in_force and all(code in tables.addons for code in same_day):
        message = (
            f"add-on code {line.code} (type 2) has no primary procedure on {line.service_date}; "
            "the contractor defines its primaries"
        )
        return Finding(line.number, RuleId.ADDON_NO_PRIMARY, WARN, message, release)
    return None


def check_addons(
    days: dict[int, list[ReviewLine]], tables: CatalogTables, out: list[Finding]
) -> None:
    """An add-on code has its primary procedure on the same date of service."""
    for lines in days.values():
        for line in lines:
            edits = tables.addons.get(line.code)
            if edits is None:
                continue
            in_force = _addon_edits(edits, line.day)
            if not in_force:
                continue
            finding = _addon_finding(line, in_force, days, tables)
            if finding is not None:
                out.append(finding)
