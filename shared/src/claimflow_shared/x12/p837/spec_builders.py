"""Builders of the segment specs 837P loops share (names, addresses, references, demographics)."""

from __future__ import annotations

from claimflow_shared.x12.elements import Rule, SegmentSpec, code_rule, spec
from claimflow_shared.x12.errors import Severity
from claimflow_shared.x12.p837 import codes as c


def nm1(
    loop_entity: str,
    types: str,
    id_qualifiers: str | None,
    *,
    id_status: str,
    name_required: bool = True,
) -> SegmentSpec:
    """Build an NM1 spec: entity type, name, and (when given) the identifier qualifier and id."""
    rules = [
        code_rule(2, "1065", "entity type qualifier", types, entity=loop_entity),
        Rule(
            3,
            "1035",
            "last or organization name",
            required=name_required,
            max_len=60,
            status_code="125",
            entity=loop_entity,
        ),
        Rule(4, "1036", "first name", max_len=35),
        Rule(5, "1037", "middle name", max_len=25),
        Rule(7, "1039", "name suffix", max_len=10),
    ]
    if id_qualifiers is not None:
        rules.append(
            code_rule(
                8,
                "66",
                "identification code qualifier",
                id_qualifiers,
                status_code=id_status,
                entity=loop_entity,
            )
        )
        pattern = c.NPI_PATTERN if id_qualifiers == "XX" else None
        rules.append(
            Rule(
                9,
                "67",
                "identification code",
                required=True,
                min_len=2,
                max_len=80,
                pattern=pattern,
                status_code=id_status,
                entity=loop_entity,
            )
        )
    return spec("NM1", *rules, max_elements=12)


def provider_nm1(entity: str) -> SegmentSpec:
    """Build an NM1 spec for a provider loop whose NPI is sent when the provider has one."""
    return spec(
        "NM1",
        code_rule(2, "1065", "entity type qualifier", "1 2", entity=entity),
        code_rule(
            8,
            "66",
            "identification code qualifier",
            "XX",
            required=False,
            status_code="562",
            entity=entity,
        ),
        Rule(
            9, "67", "identification code", pattern=c.NPI_PATTERN, status_code="562", entity=entity
        ),
        max_elements=12,
    )


def n4(entity: str, *, zip9: bool = False) -> SegmentSpec:
    """Build an N4 spec; billing provider ZIP codes are expected with all nine digits."""
    postal = Rule(3, "116", "postal code", min_len=3, max_len=15, status_code="500", entity=entity)
    rules = [
        Rule(
            1,
            "19",
            "city name",
            required=True,
            min_len=2,
            max_len=30,
            status_code="502",
            entity=entity,
        ),
        Rule(
            2,
            "156",
            "state or province code",
            kind="ID",
            codes=c.STATES_AND_PROVINCES,
            status_code="501",
            entity=entity,
        ),
        postal,
        Rule(4, "26", "country code", min_len=2, max_len=3),
    ]
    if zip9:
        rules.append(
            Rule(
                3,
                "116",
                "nine-digit ZIP code",
                pattern=c.ZIP9_PATTERN,
                severity=Severity.NOTE,
                status_code="500",
                entity=entity,
            )
        )
    return spec("N4", *rules, max_elements=7)


def n3(entity: str) -> SegmentSpec:
    """Build an N3 spec."""
    return spec(
        "N3",
        Rule(1, "166", "address line", required=True, max_len=55, status_code="503", entity=entity),
        Rule(2, "166", "address line", max_len=55),
        max_elements=2,
    )


def ref(qualifiers: str, entity: str | None = None) -> SegmentSpec:
    """Build a REF spec accepting the loop's qualifiers."""
    return spec(
        "REF",
        code_rule(1, "128", "reference identification qualifier", qualifiers),
        Rule(2, "127", "reference identification", required=True, max_len=50, entity=entity),
        max_elements=4,
    )


def dmg(entity: str) -> SegmentSpec:
    """Build a DMG spec: D8 birth date and gender."""
    return spec(
        "DMG",
        code_rule(1, "1250", "date format qualifier", "D8"),
        Rule(
            2,
            "1251",
            "birth date",
            required=True,
            kind="DT",
            min_len=8,
            max_len=8,
            status_code="158",
            entity=entity,
        ),
        code_rule(3, "1068", "gender code", "F M U", status_code="157", entity=entity),
        max_elements=11,
    )
