"""ICD-10-CM: every code of the April 2026 tabular list, and the order file layout."""

from __future__ import annotations

from pathlib import Path

import pytest

from code_catalog.importers.errors import ImportFormatError
from code_catalog.importers.icd10cm import (
    bundled_code_list,
    parse_icd10cm_order_file,
    parse_icd10cm_tabular,
)
from code_catalog.importers.records import Icd10cmRecord
from code_catalog.testing.layouts import order_line, write_order_file


@pytest.fixture(scope="module")
def tabular() -> dict[str, Icd10cmRecord]:
    return {record.code: record for record in parse_icd10cm_tabular()}


def _listed_codes() -> set[str]:
    """Codes of the package's code list, without chapters (numbers) and blocks (ranges)."""
    return {code for code in bundled_code_list() if "-" not in code and not code.isdigit()}


class TestTabular:
    def test_yields_every_code_of_the_code_list_once(
        self, tabular: dict[str, Icd10cmRecord]
    ) -> None:
        listed = _listed_codes()
        assert set(tabular) == listed
        assert 95_000 < len(tabular) < 100_000
        records = list(parse_icd10cm_tabular())
        assert len(records) == len(tabular)

    def test_header_means_another_code_extends_it(self, tabular: dict[str, Icd10cmRecord]) -> None:
        extended = {code[:n] for code in tabular for n in range(3, len(code))}
        headers = {code for code, record in tabular.items() if not record.billable}
        assert headers == extended & set(tabular)
        assert sum(record.billable for record in tabular.values()) == len(tabular) - len(headers)

    def test_seventh_character_codes_are_built_from_their_definitions(
        self, tabular: dict[str, Icd10cmRecord]
    ) -> None:
        assert tabular["S0000XA"].billable
        assert tabular["S0000XA"].description == (
            "Unspecified superficial injury of scalp, initial encounter"
        )
        assert not tabular["S0000"].billable
        assert tabular["T07XXXA"].billable

    def test_extensions_excluded_in_notes_are_left_out(
        self, tabular: dict[str, Icd10cmRecord]
    ) -> None:
        assert "S061X7A" in tabular
        assert "S061X7D" not in tabular

    def test_header_and_billable_examples(self, tabular: dict[str, Icd10cmRecord]) -> None:
        assert not tabular["E11"].billable
        assert tabular["E119"].billable
        assert tabular["I10"].billable
        assert not tabular["QA0"].billable

    def test_malformed_code_names_its_line(self, tmp_path: Path) -> None:
        path = tmp_path / "tabular.xml"
        path.write_text(
            "<ICD10CM.tabular>\n<chapter><section>\n<diag>\n<name>A00</name><desc>Cholera</desc>\n"
            "<diag>\n<name>A0-0</name><desc>Broken</desc>\n</diag>\n</diag>\n"
            "</section></chapter>\n</ICD10CM.tabular>\n",
            encoding="utf-8",
        )
        with pytest.raises(ImportFormatError) as caught:
            list(parse_icd10cm_tabular(path))
        assert (caught.value.line, caught.value.field) == (5, "name")

    def test_broken_xml_names_its_line(self, tmp_path: Path) -> None:
        path = tmp_path / "tabular.xml"
        path.write_text("<ICD10CM.tabular>\n<diag>\n<name>A00</desc>\n", encoding="utf-8")
        with pytest.raises(ImportFormatError) as caught:
            list(parse_icd10cm_tabular(path))
        assert (caught.value.line, caught.value.field) == (3, "xml")


class TestOrderFile:
    def test_reads_codes_flags_and_descriptions(self, tmp_path: Path) -> None:
        path = write_order_file(
            tmp_path / "icd10cm_order_2026.txt",
            [
                ("A00", False, "Cholera", "Cholera"),
                (
                    "A000",
                    True,
                    "Cholera due to Vibrio cholerae 01, biovar cholerae",
                    "Cholera due to Vibrio cholerae 01, biovar cholerae",
                ),
                (
                    "S52521A",
                    True,
                    "Torus fx lower end of right radius, init",
                    "Torus fracture of lower end of right radius, initial encounter for closed "
                    "fracture",
                ),
            ],
        )
        records = list(parse_icd10cm_order_file(path))
        assert [(r.code, r.billable) for r in records] == [
            ("A00", False),
            ("A000", True),
            ("S52521A", True),
        ]
        assert records[2].short_description == "Torus fx lower end of right radius, init"
        assert records[2].description.endswith("initial encounter for closed fracture")

    @pytest.mark.parametrize(
        ("bad", "field"),
        [
            (order_line(2, "A000", True, "Short", "Long").replace(" 1 ", " 2 ", 1), "billable"),
            (order_line(2, "A0-0", True, "Short", "Long"), "code"),
            ("0000X" + order_line(2, "A000", True, "Short", "Long")[5:], "order number"),
            (order_line(2, "A000", True, "Short", ""), "long description"),
        ],
    )
    def test_malformed_line_names_line_and_field(
        self, tmp_path: Path, bad: str, field: str
    ) -> None:
        path = tmp_path / "icd10cm_order_2026.txt"
        path.write_text(order_line(1, "A00", False, "Cholera", "Cholera") + "\n" + bad + "\n")
        with pytest.raises(ImportFormatError) as caught:
            list(parse_icd10cm_order_file(path))
        assert (caught.value.line, caught.value.field) == (2, field)
