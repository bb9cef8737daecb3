"""Shapes of the US billing code sets: which system and category a code belongs to.

HCPCS Level II letters are those CMS assigns: A B C E G H J K L M P Q R S T U V, plus D for the
dental (CDT) codes that sit in Level II but are not in the CMS quarterly file. F, I, N, O and W to Z
are not used. CPT Category I also takes the proprietary laboratory analyses (``NNNNU``) and the
multianalyte assays with algorithmic analyses (``NNNNM``), which are Category I codes by CPT rules.
ICD-10-CM codes have long been a letter, a digit, then letters or digits; the April 2026 tabular
list adds category QA0 (genetic disorders), so the second character may now be a letter too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class CodeSystem(StrEnum):
    """A code set a claim can carry."""

    CPT = "CPT"
    HCPCS = "HCPCS"
    ICD10CM = "ICD-10-CM"
    MODIFIER = "modifier"
    POS = "POS"


class CodeCategory(StrEnum):
    """The category of a code within its system."""

    CPT_I = "CPT Category I"
    CPT_II = "CPT Category II"
    CPT_III = "CPT Category III"
    HCPCS_II = "HCPCS Level II"
    MODIFIER = "modifier"
    POS = "place of service"
    ICD10CM = "ICD-10-CM diagnosis"


class CodeField(StrEnum):
    """Where on a claim a code sits, which decides how it is read."""

    PROCEDURE = "procedure"
    MODIFIER = "modifier"
    DIAGNOSIS = "diagnosis"
    PLACE_OF_SERVICE = "place_of_service"


class CodeFormatError(ValueError):
    """A code does not have the shape its system requires; the message names the format."""


@dataclass(frozen=True, slots=True)
class CodeKind:
    """A code in canonical form with its system and category."""

    code: str
    system: CodeSystem
    category: CodeCategory


HCPCS_LEVEL_II_LETTERS = frozenset("ABCDEGHJKLMPQRSTUV")

CPT_I_FORMAT = "CPT Category I codes are five digits (NNNNN), or four digits followed by U or M"
CPT_II_FORMAT = "CPT Category II codes are four digits followed by F (NNNNF)"
CPT_III_FORMAT = "CPT Category III codes are four digits followed by T (NNNNT)"
HCPCS_II_FORMAT = (
    "HCPCS Level II codes are a letter (A-V except F, I, N, O) followed by four digits (ANNNN)"
)
PROCEDURE_FORMAT = (
    "procedure codes are five characters: NNNNN, NNNNF, NNNNT (CPT) or ANNNN (HCPCS Level II)"
)
MODIFIER_FORMAT = "modifiers are two letters or digits (e.g. 25, LT)"
POS_FORMAT = "place of service codes are two digits (e.g. 11)"
ICD10CM_FORMAT = (
    "ICD-10-CM codes are 3 to 7 characters: a letter, a digit (a letter only in new categories "
    "such as QA0), a letter or digit, then up to four letters or digits, with an optional dot "
    "after the third (e.g. E11.9)"
)

_CPT_I = re.compile(r"[0-9]{5}|[0-9]{4}[UM]")
_CPT_II = re.compile(r"[0-9]{4}F")
_CPT_III = re.compile(r"[0-9]{4}T")
_HCPCS_II = re.compile(r"[ABCDEGHJKLMPQRSTUV][0-9]{4}")
_MODIFIER = re.compile(r"[A-Z0-9]{2}")
_POS = re.compile(r"[0-9]{2}")
_ICD10CM = re.compile(r"[A-Z][0-9A-Z][A-Z0-9][A-Z0-9]{0,4}")


def _canonical(code: str) -> str:
    """Upper-case and trim a code as typed."""
    return code.strip().upper()


def _procedure_hint(code: str) -> str:
    """The format message most likely meant for a malformed procedure code."""
    if code[:1].isalpha():
        return HCPCS_II_FORMAT
    if code.endswith("F"):
        return CPT_II_FORMAT
    if code.endswith("T"):
        return CPT_III_FORMAT
    if code.isdigit() or code.endswith(("U", "M")):
        return CPT_I_FORMAT
    return PROCEDURE_FORMAT


def classify_procedure(code: str) -> CodeKind:
    """Classify a CPT or HCPCS Level II code, or raise naming the expected format."""
    value = _canonical(code)
    if _CPT_I.fullmatch(value):
        return CodeKind(value, CodeSystem.CPT, CodeCategory.CPT_I)
    if _HCPCS_II.fullmatch(value):
        return CodeKind(value, CodeSystem.HCPCS, CodeCategory.HCPCS_II)
    if _CPT_II.fullmatch(value):
        return CodeKind(value, CodeSystem.CPT, CodeCategory.CPT_II)
    if _CPT_III.fullmatch(value):
        return CodeKind(value, CodeSystem.CPT, CodeCategory.CPT_III)
    raise CodeFormatError(f"{code!r}: {_procedure_hint(value)}")


def normalize_modifier(code: str) -> str:
    """Return a CPT or HCPCS Level II modifier in canonical form, or raise."""
    value = _canonical(code)
    if not _MODIFIER.fullmatch(value):
        raise CodeFormatError(f"{code!r}: {MODIFIER_FORMAT}")
    return value


def normalize_pos(code: str) -> str:
    """Return a place-of-service code in canonical form, or raise."""
    value = code.strip()
    if not _POS.fullmatch(value):
        raise CodeFormatError(f"{code!r}: {POS_FORMAT}")
    return value


def normalize_icd10cm(code: str) -> str:
    """Return an ICD-10-CM code without its dot, or raise naming the format."""
    value = _canonical(code)
    if len(value) > 4 and value[3] == ".":
        value = value[:3] + value[4:]
    if not _ICD10CM.fullmatch(value):
        raise CodeFormatError(f"{code!r}: {ICD10CM_FORMAT}")
    return value


def format_icd10cm(code: str) -> str:
    """Return a stored ICD-10-CM code with its dot after the third character."""
    return code if len(code) <= 3 else f"{code[:3]}.{code[3:]}"


def classify(code: str, field: CodeField) -> CodeKind:
    """Classify a code read from the given field of a claim, or raise naming the format."""
    if field is CodeField.PROCEDURE:
        return classify_procedure(code)
    if field is CodeField.MODIFIER:
        return CodeKind(normalize_modifier(code), CodeSystem.MODIFIER, CodeCategory.MODIFIER)
    if field is CodeField.PLACE_OF_SERVICE:
        return CodeKind(normalize_pos(code), CodeSystem.POS, CodeCategory.POS)
    return CodeKind(normalize_icd10cm(code), CodeSystem.ICD10CM, CodeCategory.ICD10CM)
