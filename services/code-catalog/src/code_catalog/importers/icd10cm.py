"""ICD-10-CM from the CDC tabular XML (as carried by ``simple_icd_10_cm``) and the order file.

In the tabular list every ``diag`` with child ``diag`` elements is a header. A childless ``diag``
is billable unless a ``sevenChrDef`` applies to it (its own or the nearest ancestor's): then it is
a header too, and each 7th-character extension makes a billable code, the code padded with X to
six characters first. A few extensions are excluded only in prose notes (S06 codes with 6th
character 7 or 8 take A alone), so extended codes are kept only when a list of valid codes (the
package's code list, or the order file's codes) has them.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from xml.parsers import expat

from code_catalog.importers import fields
from code_catalog.importers.errors import ImportFormatError
from code_catalog.importers.records import Icd10cmRecord
from code_catalog.importers.sources import BinarySource, TextSource, open_text

CHUNK_SIZE = 1 << 16
_TEXT_TAGS = {"name", "desc"}


def _bundled_file(pattern: str) -> Path:
    """Locate a data file inside the installed ``simple_icd_10_cm`` without importing it."""
    spec = importlib.util.find_spec("simple_icd_10_cm")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("the simple_icd_10_cm package is not installed")
    data = Path(next(iter(spec.submodule_search_locations))) / "data"
    matches = sorted(data.glob(pattern))
    if not matches:
        raise FileNotFoundError(f"no {pattern} under {data}")
    return matches[-1]


def bundled_tabular_path() -> Path:
    """The tabular XML ``simple_icd_10_cm`` carries."""
    return _bundled_file("icd10*tabular*.xml")


def bundled_code_list() -> frozenset[str]:
    """Every code (without dots) in the code list ``simple_icd_10_cm`` carries."""
    text = _bundled_file("code-list*.txt").read_text(encoding="utf-8")
    return frozenset(line.strip().replace(".", "") for line in text.splitlines() if line.strip())


@dataclass(slots=True)
class _Diag:
    """A ``diag`` element being read."""

    line: int
    name: str = ""
    desc: str = ""
    extensions: list[tuple[str, str]] | None = None
    has_children: bool = False
    code: str = ""


@dataclass(slots=True)
class _TabularReader:
    """Expat callbacks that turn the tabular list into records as elements close."""

    parser: expat.XMLParserType
    valid_codes: Collection[str] | None
    out: list[Icd10cmRecord] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    diags: list[_Diag] = field(default_factory=list)
    text: list[str] = field(default_factory=list)
    extension_char: str = ""

    def start(self, tag: str, attributes: dict[str, str]) -> None:
        """Open an element."""
        parent = self.tags[-1] if self.tags else ""
        self.tags.append(tag)
        self.text.clear()
        if tag == "diag":
            if self.diags:
                self._open_child(self.diags[-1])
            self.diags.append(_Diag(self.parser.CurrentLineNumber))
        elif tag == "sevenChrDef" and parent == "diag":
            self.diags[-1].extensions = []
        elif tag == "extension" and parent == "sevenChrDef":
            self.extension_char = attributes.get("char", "")

    def end(self, tag: str) -> None:
        """Close an element."""
        self.tags.pop()
        parent = self.tags[-1] if self.tags else ""
        text = "".join(self.text).strip()
        self.text.clear()
        if tag == "diag":
            self._close(self.diags.pop())
        elif tag in _TEXT_TAGS and parent == "diag":
            setattr(self.diags[-1], tag, text)
        elif tag == "extension" and parent == "sevenChrDef" and self.tags[-2:-1] == ["diag"]:
            self._add_extension(text)

    def characters(self, data: str) -> None:
        """Collect text inside an element."""
        self.text.append(data)

    def _add_extension(self, text: str) -> None:
        """Record one 7th-character extension of the innermost diag."""
        extensions = self.diags[-1].extensions
        char = self.extension_char.strip().upper()
        if extensions is None or len(char) != 1 or not char.isalnum():
            line = self.parser.CurrentLineNumber
            raise ImportFormatError(line, "extension", f"bad 7th character {char!r}")
        extensions.append((char, text))

    def _code(self, diag: _Diag) -> str:
        """Validate the name and description of a diag and return its code."""
        if not diag.code:
            diag.code = fields.diagnosis_code(diag.name, line=diag.line, field="name")
            fields.required(diag.desc, line=diag.line, field="desc")
        return diag.code

    def _open_child(self, parent: _Diag) -> None:
        """Emit a diag as a header the first time a child appears inside it."""
        if not parent.has_children:
            parent.has_children = True
            self.out.append(Icd10cmRecord(self._code(parent), parent.desc, billable=False))

    def _extensions_for(self, diag: _Diag) -> list[tuple[str, str]] | None:
        """Return the 7th-character definitions that apply to a diag."""
        if diag.extensions is not None:
            return diag.extensions
        for ancestor in reversed(self.diags):
            if ancestor.extensions is not None:
                return ancestor.extensions
        return None

    def _close(self, diag: _Diag) -> None:
        """Emit a childless diag as billable, or as a header with its extended codes."""
        if diag.has_children:
            return
        code = self._code(diag)
        extensions = self._extensions_for(diag)
        if not extensions:
            self.out.append(Icd10cmRecord(code, diag.desc, billable=True))
            return
        self.out.append(Icd10cmRecord(code, diag.desc, billable=False))
        stem = code.ljust(6, "X")
        for char, text in extensions:
            if self.valid_codes is not None and stem + char not in self.valid_codes:
                continue
            self.out.append(Icd10cmRecord(stem + char, f"{diag.desc}, {text}", billable=True))


def parse_icd10cm_tabular(
    source: BinarySource | None = None, valid_codes: Collection[str] | None = None
) -> Iterator[Icd10cmRecord]:
    """Stream every code of a tabular XML; by default the one ``simple_icd_10_cm`` carries.

    ``valid_codes`` filters the extended (7th-character) codes; with the bundled file it defaults
    to the bundled code list.
    """
    if source is None:
        source = bundled_tabular_path()
        valid_codes = bundled_code_list() if valid_codes is None else valid_codes
    parser = expat.ParserCreate()
    reader = _TabularReader(parser, valid_codes)
    parser.StartElementHandler = reader.start
    parser.EndElementHandler = reader.end
    parser.CharacterDataHandler = reader.characters
    with open(source, "rb") as stream:
        while chunk := stream.read(CHUNK_SIZE):
            _feed(parser, chunk, final=False)
            yield from reader.out
            reader.out.clear()
        _feed(parser, b"", final=True)
        yield from reader.out


def _feed(parser: expat.XMLParserType, chunk: bytes, *, final: bool) -> None:
    """Feed bytes to expat, reporting malformed XML with its line."""
    try:
        parser.Parse(chunk, final)
    except expat.ExpatError as error:
        raise ImportFormatError(error.lineno, "xml", expat.ErrorString(error.code)) from None


ORDER_FIELDS = (
    ("order number", slice(0, 5)),
    ("code", slice(6, 13)),
    ("billable", slice(14, 15)),
    ("short description", slice(16, 76)),
    ("long description", slice(77, None)),
)


def _order_record(line: int, text: str) -> Icd10cmRecord:
    """Read one line of the ICD-10-CM order file."""
    cells = {name: text[where].strip() for name, where in ORDER_FIELDS}
    if not cells["order number"].isdigit():
        raise ImportFormatError(line, "order number", f"expected 5 digits, got {text[:5]!r}")
    code = fields.required(cells["code"], line=line, field="code")
    billable = fields.choice(cells["billable"], "01", line=line, field="billable")
    return Icd10cmRecord(
        code=fields.diagnosis_code(code, line=line, field="code"),
        description=fields.required(cells["long description"], line=line, field="long description"),
        billable=bool(billable),
        short_description=fields.required(
            cells["short description"], line=line, field="short description"
        ),
    )


def parse_icd10cm_order_file(
    source: TextSource, encoding: str = "latin-1"
) -> Iterator[Icd10cmRecord]:
    """Stream the codes of a CMS/CDC ``icd10cm_order_<year>.txt`` file."""
    with open_text(source, encoding) as stream:
        for line, text in enumerate(stream, start=1):
            record = text.rstrip("\r\n")
            if record.strip():
                yield _order_record(line, record)
