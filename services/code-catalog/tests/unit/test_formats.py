"""Code shapes: classification into system and category, and messages naming the format."""

from __future__ import annotations

import pytest

from code_catalog.codes.formats import (
    CodeCategory,
    CodeField,
    CodeFormatError,
    CodeSystem,
    classify,
    classify_procedure,
    format_icd10cm,
    normalize_icd10cm,
    normalize_modifier,
    normalize_pos,
)


class TestProcedureCodes:
    @pytest.mark.parametrize(
        ("code", "system", "category"),
        [
            ("99213", CodeSystem.CPT, CodeCategory.CPT_I),
            ("0001U", CodeSystem.CPT, CodeCategory.CPT_I),
            ("0002M", CodeSystem.CPT, CodeCategory.CPT_I),
            ("3044F", CodeSystem.CPT, CodeCategory.CPT_II),
            ("0591T", CodeSystem.CPT, CodeCategory.CPT_III),
            ("G0101", CodeSystem.HCPCS, CodeCategory.HCPCS_II),
            ("D0210", CodeSystem.HCPCS, CodeCategory.HCPCS_II),
            (" j1100 ", CodeSystem.HCPCS, CodeCategory.HCPCS_II),
        ],
    )
    def test_classifies_system_and_category(
        self, code: str, system: CodeSystem, category: CodeCategory
    ) -> None:
        kind = classify_procedure(code)
        assert (kind.code, kind.system, kind.category) == (code.strip().upper(), system, category)

    @pytest.mark.parametrize(
        ("code", "expected"),
        [
            ("304F", "CPT Category II codes are four digits followed by F (NNNNF)"),
            ("05911T", "CPT Category III codes are four digits followed by T (NNNNT)"),
            ("9921", "CPT Category I codes are five digits (NNNNN)"),
            ("F0101", "HCPCS Level II codes are a letter (A-V except F, I, N, O)"),
            ("W1234", "HCPCS Level II codes are a letter"),
            ("G010", "followed by four digits (ANNNN)"),
            ("12-34", "procedure codes are five characters"),
        ],
    )
    def test_malformed_code_names_the_expected_format(self, code: str, expected: str) -> None:
        with pytest.raises(CodeFormatError, match=expected.replace("(", r"\(").replace(")", r"\)")):
            classify_procedure(code)

    def test_every_letter_cms_uses_in_the_quarterly_file_is_accepted(self) -> None:
        for letter in "ABCEGHJKLMPQRSTUV":
            assert classify_procedure(f"{letter}1234").category is CodeCategory.HCPCS_II


class TestDiagnosisCodes:
    @pytest.mark.parametrize(
        ("typed", "stored"),
        [
            ("E11.9", "E119"),
            ("e119", "E119"),
            ("I10", "I10"),
            ("S52.521A", "S52521A"),
            ("QA0.0101", "QA00101"),
            ("Z3A.00", "Z3A00"),
        ],
    )
    def test_stores_without_the_dot(self, typed: str, stored: str) -> None:
        assert normalize_icd10cm(typed) == stored

    @pytest.mark.parametrize(
        "typed", ["E1", "E11.", "E1.19", "1E11", "E11-9", "S52.521AX", "E11.9.1"]
    )
    def test_rejects_malformed_with_the_format(self, typed: str) -> None:
        with pytest.raises(CodeFormatError, match="ICD-10-CM codes are 3 to 7 characters"):
            normalize_icd10cm(typed)

    def test_formats_with_the_dot_after_the_third_character(self) -> None:
        assert format_icd10cm("S52521A") == "S52.521A"
        assert format_icd10cm("I10") == "I10"


class TestModifiersAndPlaces:
    def test_modifiers_are_two_letters_or_digits(self) -> None:
        assert normalize_modifier(" lt ") == "LT"
        assert normalize_modifier("59") == "59"
        for bad in ("5", "LTR", "L-"):
            with pytest.raises(CodeFormatError, match="modifiers are two letters or digits"):
                normalize_modifier(bad)

    def test_place_of_service_is_two_digits(self) -> None:
        assert normalize_pos("11") == "11"
        for bad in ("1", "1A", "111"):
            with pytest.raises(CodeFormatError, match="place of service codes are two digits"):
                normalize_pos(bad)

    def test_classify_reads_each_field_as_its_system(self) -> None:
        assert classify("A0100", CodeField.PROCEDURE).system is CodeSystem.HCPCS
        assert classify("A01.00", CodeField.DIAGNOSIS).code == "A0100"
        assert classify("25", CodeField.MODIFIER).category is CodeCategory.MODIFIER
        assert classify("11", CodeField.PLACE_OF_SERVICE).system is CodeSystem.POS
