"""Writers of small files in the official CMS layouts (for tests and benchmarks), and the shared
data directory.

CPT rows written here carry made-up descriptors ("Test procedure A"); real CPT text never appears.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from pathlib import Path

PTP_PREAMBLE = (
    "CPT codes, descriptions and other data only are copyright of their owners.",
    "Column 1/Column 2 Edits",
    "Column 1\tColumn 2\t*=in existence prior to 1996\tEffective Date\tDeletion Date "
    "*=no data\tModifier 0=not allowed 1=allowed 9=not applicable\tPTP Edit Rationale",
)
MUE_NOTICE = '"CPT codes and descriptions only are copyright.\nAll rights reserved."'
MUE_HEADER = (
    "HCPCS/CPT Code",
    "Practitioner Services MUE Values",
    "MUE Adjudication Indicator",
    "MUE Rationale",
)
AOC_HEADER = (
    "Add-On Code",
    "AOC Del Dt (Julian)",
    "Primary Code",
    "Primary Code Del Dt (Julian)",
    "AOC Edit Type",
    "AOC Edit Eff Dt (Julian)",
    "AOC Edit Del Dt (Julian)",
    "Special Instruction Notes",
)
CPT_HEADER = ("code", "short", "long", "category", "effective", "termination")


def shared_data_dir() -> Path:
    """The code-set data beside the repository: walk up to the workspace root, then its sibling."""
    for folder in Path(__file__).resolve().parents:
        project = folder / "pyproject.toml"
        if project.is_file() and "[tool.uv.workspace]" in project.read_text(encoding="utf-8"):
            return folder.parent / "shared" / "data"
    raise FileNotFoundError("no uv workspace root above the tests")


def julian(day: date) -> str:
    """A date in the CMS Julian form YYYYDDD."""
    return f"{day.year}{day.timetuple().tm_yday:03d}"


def write_ptp(path: Path, rows: Iterable[Sequence[str]]) -> Path:
    """Write an NCCI PTP practitioner file: preamble, then one tab-separated edit per line."""
    lines = [*PTP_PREAMBLE, *("\t".join(row) for row in rows)]
    path.write_text("\r\n".join(lines) + "\r\n", encoding="latin-1")
    return path


def write_mue(path: Path, rows: Iterable[Sequence[str]]) -> Path:
    """Write an MUE practitioner CSV: a quoted notice, the header row, then the edits."""
    with path.open("w", encoding="latin-1", newline="") as stream:
        stream.write(MUE_NOTICE + "\r\n")
        writer = csv.writer(stream, quoting=csv.QUOTE_ALL)
        writer.writerow(MUE_HEADER)
        writer.writerows(rows)
    return path


def write_aoc(path: Path, rows: Iterable[Sequence[str]]) -> Path:
    """Write an add-on code edit file as tab-separated text with the CMS headings."""
    lines = ["\t".join(AOC_HEADER), *("\t".join(row) for row in rows)]
    path.write_text("\n".join(lines) + "\n", encoding="latin-1")
    return path


def write_cpt(path: Path, rows: Iterable[Sequence[str]]) -> Path:
    """Write a CPT CSV in the columns the importer takes."""
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(CPT_HEADER)
        writer.writerows(rows)
    return path


def copy_csv_rows(
    source: Path, out: Path, count: int, changes: Mapping[int, Mapping[str, str]]
) -> Path:
    """Copy the header and first rows of a CSV file, changing cells of the rows given by index."""
    with source.open(encoding="utf-8", newline="") as stream:
        reader = csv.DictReader(stream)
        rows = [row for _, row in zip(range(count), reader, strict=False)]
        header = list(reader.fieldnames or ())
    for index, change in changes.items():
        rows[index].update(change)
    with out.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
    return out


def order_line(order: int, code: str, billable: bool, short: str, long: str) -> str:
    """One line of the ICD-10-CM order file layout."""
    return f"{order:05d} {code:<7} {int(billable)} {short:<60} {long}"


def write_order_file(path: Path, rows: Iterable[tuple[str, bool, str, str]]) -> Path:
    """Write an ICD-10-CM order file."""
    lines = [order_line(n, *row) for n, row in enumerate(rows, start=1)]
    path.write_text("\n".join(lines) + "\n", encoding="latin-1")
    return path


def _wrap(text: str, width: int) -> list[str]:
    """Break text into lines of at most width, only at single spaces between words."""
    chunks: list[str] = []
    rest = text
    while len(rest) > width:
        cut = next(
            i
            for i in range(width, 0, -1)
            if rest[i] == " " and rest[i - 1] != " " and rest[i + 1 : i + 2] != " "
        )
        chunks.append(rest[:cut])
        rest = rest[cut + 1 :]
    return [*chunks, rest]


def _fixed_record(cells: dict[str, str], recid: str, text: str, sequence: int) -> str:
    """One 320-byte HCPCS record; continuation records carry only code and description."""
    code = cells["HCPC"]
    field = code.ljust(5) if recid in "34" else "   " + code
    record = [" "] * 320

    def put(start: int, value: str) -> None:
        record[start - 1 : start - 1 + len(value)] = value

    put(1, field)
    put(6, f"{sequence:05d}")
    put(11, recid)
    put(12, text)
    if recid in "37":
        put(92, cells["SHORT DESCRIPTION"])
        put(230, cells["COV"])
        put(257, cells["BETOS"])
        put(269, cells["ADD DT"])
        put(277, cells["ACT EFF DT"])
        put(285, cells["TERM DT"])
        put(293, cells["ACTION CD"])
    return "".join(record)


def hcpcs_fixed_width(csv_path: Path, out: Path) -> Path:
    """Rewrite an ANWEB CSV as the 320-byte fixed-width file, long descriptions wrapped at 80."""
    records: list[str] = []
    with csv_path.open(encoding="latin-1", newline="") as stream:
        for cells in csv.DictReader(stream):
            first = cells["RECID"]
            following = "4" if first == "3" else "8"
            chunks = _wrap(cells["LONG DESCRIPTION"], 80)
            for n, chunk in enumerate(chunks):
                records.append(_fixed_record(cells, first if n == 0 else following, chunk, n + 1))
    out.write_text("\r\n".join(records) + "\r\n", encoding="latin-1")
    return out


GPCI_TITLE = "ADDENDUM E. GEOGRAPHIC PRACTICE COST INDICES (GPCIs) BY STATE AND MEDICARE LOCALITY"
GPCI_HEADER = (
    "Medicare Administrative Contractor (MAC)",
    "State",
    "Locality Number",
    "Locality Name",
    "{year} PW GPCI (with 1.0 Floor)",
    "{year} PE GPCI",
    "{year} MP GPCI",
)


def write_gpci(path: Path, year: int, rows: Iterable[Sequence[str]]) -> Path:
    """Write a GPCI CSV: a title row, the header with the year, the localities, a footnote."""
    with path.open("w", encoding="latin-1", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow([GPCI_TITLE])
        writer.writerow([heading.format(year=year) for heading in GPCI_HEADER])
        writer.writerows(rows)
        writer.writerow(["* Payment locality is serviced by two contractors."])
    return path
