"""Which systems a code as typed could belong to, in the order lookups try them."""

from __future__ import annotations

from code_catalog.codes.formats import (
    ICD10CM_FORMAT,
    MODIFIER_FORMAT,
    POS_FORMAT,
    PROCEDURE_FORMAT,
    CodeField,
    CodeFormatError,
    CodeKind,
    CodeSystem,
    classify,
    format_icd10cm,
)

FIELDS = {
    CodeSystem.CPT: CodeField.PROCEDURE,
    CodeSystem.HCPCS: CodeField.PROCEDURE,
    CodeSystem.ICD10CM: CodeField.DIAGNOSIS,
    CodeSystem.MODIFIER: CodeField.MODIFIER,
    CodeSystem.POS: CodeField.PLACE_OF_SERVICE,
}
ORDER = (CodeField.PROCEDURE, CodeField.DIAGNOSIS, CodeField.MODIFIER, CodeField.PLACE_OF_SERVICE)
ANY_FORMAT = f"{PROCEDURE_FORMAT}; {ICD10CM_FORMAT}; {MODIFIER_FORMAT}; {POS_FORMAT}"


def _in_system(code: str, system: CodeSystem) -> CodeKind:
    """Read a code as one system requires, or raise naming that system's format."""
    kind = classify(code, FIELDS[system])
    if kind.system is not system:
        raise CodeFormatError(f"{code!r} is shaped like a {kind.system} code, not {system}")
    return kind


def candidates(code: str, system: CodeSystem | None = None) -> list[CodeKind]:
    """Every reading of a code, the likeliest first; raise naming the formats when none fits."""
    if system is not None:
        return [_in_system(code, system)]
    kinds: list[CodeKind] = []
    for field in ORDER:
        try:
            kinds.append(classify(code, field))
        except CodeFormatError:
            continue
    if not kinds:
        raise CodeFormatError(f"{code!r} is not shaped like any billing code: {ANY_FORMAT}")
    return kinds


def display(code: str, system: str) -> str:
    """A stored code as it is printed: ICD-10-CM codes take their dot back."""
    return format_icd10cm(code) if system == CodeSystem.ICD10CM else code
