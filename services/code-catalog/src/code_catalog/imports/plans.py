"""Which parser reads a file and which staging table its rows go to, by kind and format."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from claimflow_shared.errors import ValidationFailed
from code_catalog.importers.addon import parse_addon_text, parse_addon_xlsx
from code_catalog.importers.cpt import parse_cpt_csv
from code_catalog.importers.errors import ImportFormatError
from code_catalog.importers.gpci import parse_gpci_csv
from code_catalog.importers.hcpcs import (
    parse_hcpcs_csv,
    parse_hcpcs_fixed_width,
    parse_hcpcs_xlsx,
)
from code_catalog.importers.icd10cm import (
    bundled_tabular_path,
    parse_icd10cm_order_file,
    parse_icd10cm_tabular,
)
from code_catalog.importers.mue import parse_mue_csv
from code_catalog.importers.ncci import parse_ptp_file
from code_catalog.importers.pos import parse_pos_csv
from code_catalog.importers.rvu import parse_rvu_csv
from code_catalog.imports import rows, staging
from code_catalog.imports.kinds import DATA_SETS, ImportKind
from code_catalog.imports.rows import StageRow

Parser = Callable[[Path], Iterable[Any]]
HCPCS_FORMATS: dict[str, Parser] = {
    "csv": parse_hcpcs_csv,
    "xlsx": parse_hcpcs_xlsx,
    "fixed": parse_hcpcs_fixed_width,
}
HCPCS_SUFFIXES = {".csv": "csv", ".xlsx": "xlsx", ".txt": "fixed"}


def _tabular(path: Path) -> Iterable[Any]:
    """A tabular XML; the bundled one is read with the bundled list of valid extended codes."""
    return parse_icd10cm_tabular(None if path == bundled_tabular_path() else path)


ICD10CM_FORMATS: dict[str, Parser] = {
    "tabular": _tabular,
    "order": parse_icd10cm_order_file,
}


@dataclass(frozen=True, slots=True)
class ImportPlan:
    """How one kind of file is read and staged."""

    parser: Parser
    to_row: Callable[[Any], StageRow]
    stage: str


def _addon_parser(path: Path) -> Iterable[Any]:
    """The AOC workbook or its tab-delimited export."""
    return parse_addon_xlsx(path) if path.suffix.lower() == ".xlsx" else parse_addon_text(path)


def _chosen(kind: ImportKind, given: str | None, path: Path, choices: dict[str, Parser]) -> Parser:
    """The parser a ``--format`` names, or the one the file's extension implies."""
    if given is None:
        if kind is ImportKind.ICD10CM:
            given = "tabular" if path.suffix.lower() == ".xml" else "order"
        else:
            given = HCPCS_SUFFIXES.get(path.suffix.lower(), "")
    if given not in choices:
        raise ValidationFailed(
            f"{path.name}: unknown {kind} format {given!r}; choose one of {', '.join(choices)}",
            field="format",
        )
    return choices[given]


def plan_for(kind: ImportKind, path: Path, file_format: str | None) -> ImportPlan:
    """The parser, row mapper and staging table of a file."""
    if kind is ImportKind.HCPCS:
        return ImportPlan(
            _chosen(kind, file_format, path, HCPCS_FORMATS), rows.hcpcs_row, staging.STAGE_CODES
        )
    if kind is ImportKind.ICD10CM:
        return ImportPlan(
            _chosen(kind, file_format, path, ICD10CM_FORMATS), rows.icd10cm_row, staging.STAGE_CODES
        )
    simple: dict[ImportKind, ImportPlan] = {
        ImportKind.POS: ImportPlan(parse_pos_csv, rows.pos_row, staging.STAGE_CODES),
        ImportKind.CPT: ImportPlan(parse_cpt_csv, rows.cpt_row, staging.STAGE_CODES),
        ImportKind.NCCI: ImportPlan(parse_ptp_file, rows.ptp_row, staging.STAGE_PTP),
        ImportKind.MUE: ImportPlan(parse_mue_csv, rows.mue_row, staging.STAGE_MUE),
        ImportKind.ADDON: ImportPlan(_addon_parser, rows.addon_row, staging.STAGE_ADDON),
        ImportKind.RVU: ImportPlan(parse_rvu_csv, rows.fee_row, staging.STAGE_FEES),
        ImportKind.GPCI: ImportPlan(parse_gpci_csv, rows.gpci_row, staging.STAGE_GPCI),
    }
    return simple[kind]


def input_files(kind: ImportKind, files: Sequence[Path]) -> list[Path]:
    """The files to read: as given, or the ICD-10-CM tabular list ``simple_icd_10_cm`` carries."""
    if files:
        missing = [str(path) for path in files if not path.is_file()]
        if missing:
            raise ValidationFailed(f"no such file: {', '.join(missing)}", field="file")
        return list(files)
    if kind is ImportKind.ICD10CM:
        return [bundled_tabular_path()]
    raise ValidationFailed(f"name the {kind} file(s) to import", field="file")


def checksum(files: Sequence[Path]) -> str:
    """SHA-256 over the files' bytes, in order: the same release twice has the same sum."""
    digest = hashlib.sha256()
    for path in files:
        with path.open("rb") as stream:
            while chunk := stream.read(1 << 20):
                digest.update(chunk)
    return digest.hexdigest()


def staged_rows(
    kind: ImportKind, files: Sequence[Path], file_format: str | None
) -> Iterator[StageRow]:
    """Every file's records as staging rows; a malformed row names its file, line and field."""
    for path in files:
        plan = plan_for(kind, path, file_format)
        try:
            for record in plan.parser(path):
                yield plan.to_row(record)
        except ImportFormatError as error:
            raise ValidationFailed(
                f"{path.name}: {error}", file=path.name, line=error.line, field=error.field
            ) from None


def data_set_of(kind: ImportKind) -> str:
    """The release series of a kind of file."""
    return DATA_SETS[kind].value
