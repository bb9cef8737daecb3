"""What can be imported, and the name of the release a file holds.

Versions and effective dates come from the options when given, else from the file names CMS and
CDC use (``HCPC2025_OCT_ANWEB.csv``, ``icd10cm_order_2026.txt``, ``ccipra-v313r0-f1.txt``,
``MCR_MUE_PractitionerServices_Eff_10-01-2025.csv``), else from the dates inside the file.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path

from claimflow_shared.errors import ValidationFailed
from code_catalog.importers.mue import effective_date_from_name


class ImportKind(StrEnum):
    """A file layout the importer reads."""

    HCPCS = "hcpcs"
    ICD10CM = "icd10cm"
    POS = "pos"
    CPT = "cpt"
    NCCI = "ncci"
    MUE = "mue"
    ADDON = "addon"
    RVU = "rvu"
    GPCI = "gpci"


class DataSet(StrEnum):
    """The release series a file belongs to (a release's ``code_system``)."""

    HCPCS = "HCPCS"
    HCPCS_MODIFIERS = "HCPCS modifiers"
    ICD10CM = "ICD-10-CM"
    POS = "POS"
    CPT = "CPT"
    NCCI_PTP = "NCCI PTP"
    MUE = "MUE"
    ADDON = "AOC"
    FEE_SCHEDULE = "PFS"
    GPCI = "GPCI"


DATA_SETS = {
    ImportKind.HCPCS: DataSet.HCPCS,
    ImportKind.ICD10CM: DataSet.ICD10CM,
    ImportKind.POS: DataSet.POS,
    ImportKind.CPT: DataSet.CPT,
    ImportKind.NCCI: DataSet.NCCI_PTP,
    ImportKind.MUE: DataSet.MUE,
    ImportKind.ADDON: DataSet.ADDON,
    ImportKind.RVU: DataSet.FEE_SCHEDULE,
    ImportKind.GPCI: DataSet.GPCI,
}

MONTHS = {name.upper(): number for number, name in enumerate(calendar.month_abbr) if name}
_HCPCS_NAME = re.compile(r"HCPC(?:S)?(\d{4})_?([A-Z]{3})", re.IGNORECASE)
_ICD_ORDER_NAME = re.compile(r"icd10cm[_-]order[_-](\d{4})", re.IGNORECASE)
_ICD_TABULAR_NAME = re.compile(r"tabular-([A-Za-z]+)-(\d{1,2})-(\d{4})", re.IGNORECASE)
_NCCI_NAME = re.compile(r"v(\d{2})(\d)r(\d+)", re.IGNORECASE)
_YEAR_NAME = re.compile(r"GPCI[ _-]?(\d{4})", re.IGNORECASE)
_QUARTER_NAME = re.compile(r"(\d{4})[ _-]?Q([1-4])", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class ReleaseName:
    """A release's series, version and the day it takes effect."""

    data_set: str
    version: str
    effective_date: date

    @property
    def label(self) -> str:
        """The release as messages name it."""
        return f"{self.data_set} {self.version}"


def fiscal_version(effective: date) -> str:
    """ICD-10-CM names: FY2026 starts 1 October 2025; a mid-year update adds its month."""
    year = effective.year + 1 if effective.month >= 10 else effective.year
    suffix = "" if effective.month == 10 else f" {calendar.month_name[effective.month]}"
    return f"FY{year}{suffix}"


def _hcpcs(name: str) -> tuple[str, date] | None:
    """``HCPC2025_OCT_ANWEB.csv``: 2025 October, effective 1 October 2025."""
    match = _HCPCS_NAME.search(name)
    if match is None or match.group(2).upper() not in MONTHS:
        return None
    year, month = int(match.group(1)), MONTHS[match.group(2).upper()]
    return f"{year} {calendar.month_name[month]}", date(year, month, 1)


def _icd10cm(name: str) -> tuple[str, date] | None:
    """``icd10cm_order_2026.txt`` (FY2026) or ``...tabular-April-1-2026.xml``."""
    if match := _ICD_ORDER_NAME.search(name):
        effective = date(int(match.group(1)) - 1, 10, 1)
        return fiscal_version(effective), effective
    match = _ICD_TABULAR_NAME.search(name)
    month = MONTHS.get(match.group(1)[:3].upper()) if match else None
    if match is None or month is None:
        return None
    effective = date(int(match.group(3)), month, int(match.group(2)))
    return fiscal_version(effective), effective


def _ncci(name: str) -> tuple[str, date] | None:
    """``ccipra-v313r0-f1.txt``: version 31.3 is the fourth quarter of 2025."""
    match = _NCCI_NAME.search(name)
    if match is None or int(match.group(2)) > 3:
        return None
    major, quarter, revision = (int(part) for part in match.groups())
    return f"{major}.{quarter}r{revision}", date(1994 + major, 1 + 3 * quarter, 1)


def _mue(name: str) -> tuple[str, date] | None:
    """``..._Eff_10-01-2025.csv``: effective 1 October 2025."""
    effective = effective_date_from_name(name)
    return (effective.isoformat(), effective) if effective else None


def _quarter(name: str) -> tuple[str, date] | None:
    """A ``2025Q4``-style name, effective on the first day of the quarter."""
    match = _QUARTER_NAME.search(name)
    if match is None:
        return None
    year, quarter = int(match.group(1)), int(match.group(2))
    return f"{year}Q{quarter}", date(year, 3 * quarter - 2, 1)


def _gpci_year(name: str) -> tuple[str, date] | None:
    """``GPCI2025.csv``: the indices of calendar year 2025."""
    match = _YEAR_NAME.search(name)
    return (match.group(1), date(int(match.group(1)), 1, 1)) if match else None


FROM_NAME = {
    ImportKind.HCPCS: _hcpcs,
    ImportKind.ICD10CM: _icd10cm,
    ImportKind.NCCI: _ncci,
    ImportKind.MUE: _mue,
    ImportKind.ADDON: _quarter,
    ImportKind.RVU: _quarter,
    ImportKind.GPCI: _gpci_year,
}


def name_release(
    kind: ImportKind,
    data_set: str,
    files: list[Path],
    *,
    version: str | None,
    effective: date | None,
    earliest: date | None,
) -> ReleaseName:
    """Name the release from the options, the file name, or the earliest date in the file."""
    derive = FROM_NAME.get(kind)
    derived = derive(files[0].name) if derive and files else None
    if derived is None and earliest is not None and kind in (ImportKind.RVU, ImportKind.ADDON):
        derived = f"{earliest.year} {calendar.month_name[earliest.month]}", earliest
    chosen_version = version or (derived[0] if derived else None)
    chosen_effective = effective or (derived[1] if derived else None)
    if chosen_version is None or chosen_effective is None:
        raise ValidationFailed(
            f"cannot tell the version and effective date of {kind} file "
            f"{files[0].name if files else '(bundled)'}: give --version and --effective",
            field="version" if chosen_version is None else "effective",
        )
    return ReleaseName(data_set, chosen_version.strip(), chosen_effective)
