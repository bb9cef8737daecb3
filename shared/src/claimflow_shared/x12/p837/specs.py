"""Element rules of the 837P segments this reader validates, keyed by (loop, segment id).

Data element reference numbers, lengths and code lists follow the 005010X222A1 guide; status
codes are the claim status codes (code source 508) a 277CA reports when the rule fails.
"""

from __future__ import annotations

from claimflow_shared.x12.elements import Rule, SegmentSpec, code_rule, spec
from claimflow_shared.x12.errors import Severity
from claimflow_shared.x12.p837 import codes as c


def _nm1(
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


def _optional_npi(entity: str) -> SegmentSpec:
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


def _n4(entity: str, *, zip9: bool = False) -> SegmentSpec:
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


def _n3(entity: str) -> SegmentSpec:
    """Build an N3 spec."""
    return spec(
        "N3",
        Rule(1, "166", "address line", required=True, max_len=55, status_code="503", entity=entity),
        Rule(2, "166", "address line", max_len=55),
        max_elements=2,
    )


def _ref(qualifiers: str, entity: str | None = None) -> SegmentSpec:
    """Build a REF spec accepting the loop's qualifiers."""
    return spec(
        "REF",
        code_rule(1, "128", "reference identification qualifier", qualifiers),
        Rule(2, "127", "reference identification", required=True, max_len=50, entity=entity),
        max_elements=4,
    )


def _dmg(entity: str) -> SegmentSpec:
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


BHT = spec(
    "BHT",
    code_rule(1, "1005", "hierarchical structure code", "0019"),
    code_rule(2, "353", "transaction set purpose code", "00 18"),
    Rule(3, "127", "originator application transaction identifier", required=True, max_len=50),
    Rule(4, "373", "transaction set creation date", required=True, kind="DT", min_len=8, max_len=8),
    Rule(5, "337", "transaction set creation time", required=True, kind="TM", min_len=4, max_len=8),
    code_rule(6, "640", "claim or encounter identifier", "31 CH RP"),
    max_elements=6,
)
SUBMITTER_PER = spec(
    "PER",
    code_rule(1, "366", "contact function code", "IC"),
    code_rule(3, "365", "communication number qualifier", "ED EM FX TE"),
    Rule(4, "364", "communication number", required=True, max_len=256),
    max_elements=9,
)
HL = spec(
    "HL",
    Rule(1, "628", "hierarchical ID number", required=True, max_len=12),
    Rule(2, "734", "hierarchical parent ID number", max_len=12),
    code_rule(3, "735", "hierarchical level code", "20 22 23"),
    code_rule(4, "736", "hierarchical child code", "0 1"),
    max_elements=4,
)
SBR = spec(
    "SBR",
    code_rule(
        1,
        "1138",
        "payer responsibility sequence number code",
        c.PAYER_RESPONSIBILITY_CODES,
        status_code="21",
        entity="IL",
    ),
    code_rule(
        2,
        "1069",
        "individual relationship code",
        "18",
        required=False,
        status_code="156",
        entity="QC",
    ),
    Rule(3, "127", "group or policy number", max_len=50),
    code_rule(5, "1336", "insurance type code", "12 13 14 15 16 41 42 43 47", required=False),
    code_rule(
        9,
        "1032",
        "claim filing indicator code",
        c.CLAIM_FILING_CODES,
        required=False,
        status_code="480",
        entity="PR",
    ),
    max_elements=9,
)
PAT = spec(
    "PAT",
    code_rule(
        1,
        "1069",
        "individual relationship code",
        c.PATIENT_RELATIONSHIP_CODES,
        status_code="156",
        entity="QC",
    ),
    max_elements=9,
)
PRV = spec(
    "PRV",
    code_rule(2, "128", "reference identification qualifier", "PXC"),
    Rule(
        3, "127", "provider taxonomy code", required=True, min_len=10, max_len=10, status_code="145"
    ),
    max_elements=6,
)

CLM = spec(
    "CLM",
    Rule(1, "1028", "patient control number", required=True, max_len=38, status_code="478"),
    Rule(
        2,
        "782",
        "total claim charge amount",
        required=True,
        kind="R",
        max_len=18,
        status_code="178",
    ),
    Rule(
        5,
        "1331",
        "place of service code",
        required=True,
        component=1,
        pattern=c.POS_PATTERN,
        max_len=2,
        status_code="249",
    ),
    code_rule(5, "1332", "facility code qualifier", "B", component=2, status_code="567"),
    code_rule(5, "1325", "claim frequency code", c.FREQUENCY_CODES, component=3, status_code="535"),
    code_rule(
        6, "1073", "provider or supplier signature indicator", "N Y", status_code="466", entity="85"
    ),
    code_rule(7, "1359", "assignment or plan participation code", "A B C", status_code="589"),
    code_rule(8, "1073", "benefits assignment certification indicator", "N W Y", status_code="360"),
    code_rule(9, "1363", "release of information code", "I Y", status_code="359"),
    code_rule(10, "1351", "patient signature source code", "P", required=False, status_code="468"),
    code_rule(11, "1362", "related causes code", "AA EM OA", component=1, status_code="633"),
    code_rule(
        12, "1366", "special program indicator", "02 03 05 09", required=False, status_code="650"
    ),
    code_rule(
        20,
        "1514",
        "delay reason code",
        "1 2 3 4 5 6 7 8 9 10 11 15",
        required=False,
        status_code="555",
    ),
    max_elements=20,
    composite_required=(5,),
)
LX = spec(
    "LX", Rule(1, "554", "assigned number", required=True, kind="N0", max_len=6), max_elements=1
)
SV1 = spec(
    "SV1",
    code_rule(
        1,
        "235",
        "product or service ID qualifier",
        c.PROCEDURE_QUALIFIERS,
        component=1,
        status_code="454",
    ),
    Rule(1, "234", "procedure code", required=True, component=2, max_len=48, status_code="454"),
    *(
        Rule(1, "1339", "procedure modifier", component=n, min_len=2, max_len=2, status_code="453")
        for n in (3, 4, 5, 6)
    ),
    Rule(
        2, "782", "line item charge amount", required=True, kind="R", max_len=18, status_code="583"
    ),
    code_rule(3, "355", "unit or basis for measurement code", "MJ UN", status_code="659"),
    Rule(4, "380", "service unit count", required=True, kind="R", max_len=15, status_code="476"),
    Rule(5, "1331", "place of service code", pattern=c.POS_PATTERN, max_len=2, status_code="249"),
    *(
        code_rule(
            7,
            "1328",
            "diagnosis code pointer",
            c.POINTER_CODES,
            component=n,
            required=n == 1,
            status_code="477",
        )
        for n in (1, 2, 3, 4)
    ),
    code_rule(9, "1073", "emergency indicator", "Y", required=False),
    code_rule(11, "1073", "EPSDT indicator", "Y", required=False),
    code_rule(12, "1073", "family planning indicator", "Y", required=False),
    code_rule(15, "1327", "co-pay status code", "0", required=False),
    max_elements=21,
    composite_required=(1, 7),
)
CLAIM_DTP = spec(
    "DTP",
    code_rule(1, "374", "date/time qualifier", c.CLAIM_DATE_QUALIFIERS),
    code_rule(2, "1250", "date format qualifier", "D8 RD8"),
    Rule(3, "1251", "date", required=True, max_len=35),
    max_elements=3,
)
LINE_DTP = spec(
    "DTP",
    code_rule(1, "374", "date/time qualifier", c.LINE_DATE_QUALIFIERS),
    code_rule(2, "1250", "date format qualifier", "D8 RD8"),
    Rule(3, "1251", "date", required=True, max_len=35, status_code="187"),
    max_elements=3,
)
CLAIM_PWK = spec(
    "PWK",
    code_rule(1, "755", "attachment report type code", c.ATTACHMENT_REPORT_TYPES),
    code_rule(2, "756", "attachment transmission code", c.ATTACHMENT_TRANSMISSION),
    code_rule(5, "66", "identification code qualifier", "AC", required=False),
    max_elements=9,
)
DME_PWK = spec(
    "PWK",
    code_rule(1, "755", "attachment report type code", c.DME_CERTIFICATE_TYPE),
    code_rule(2, "756", "attachment transmission code", c.DME_CERTIFICATE_TRANSMISSION),
    max_elements=9,
)

SPECS: dict[tuple[str, str], SegmentSpec] = {
    ("HEADER", "BHT"): BHT,
    ("1000A", "NM1"): _nm1("41", "1 2", "46", id_status="153"),
    ("1000A", "PER"): SUBMITTER_PER,
    ("1000B", "NM1"): _nm1("40", "2", "46", id_status="153"),
    ("2000A", "PRV"): PRV,
    ("2010AA", "NM1"): _nm1("85", "1 2", "XX", id_status="562"),
    ("2010AA", "N3"): _n3("85"),
    ("2010AA", "N4"): _n4("85", zip9=True),
    ("2010AA", "REF"): _ref(c.BILLING_REF_QUALIFIERS, "85"),
    ("2010AB", "N3"): _n3("87"),
    ("2010AB", "N4"): _n4("87"),
    ("2010AC", "N3"): _n3("PE"),
    ("2010AC", "N4"): _n4("PE"),
    ("2000B", "SBR"): SBR,
    ("2010BA", "NM1"): _nm1("IL", "1 2", "II MI", id_status="164"),
    ("2010BA", "N3"): _n3("IL"),
    ("2010BA", "N4"): _n4("IL"),
    ("2010BA", "DMG"): _dmg("IL"),
    ("2010BB", "NM1"): _nm1("PR", "2", "PI XV", id_status="153"),
    ("2010BB", "N3"): _n3("PR"),
    ("2010BB", "N4"): _n4("PR"),
    ("2010BB", "REF"): _ref(c.PAYER_REF_QUALIFIERS, "PR"),
    ("2000C", "PAT"): PAT,
    ("2010CA", "NM1"): _nm1("QC", "1", None, id_status="164"),
    ("2010CA", "N3"): _n3("QC"),
    ("2010CA", "N4"): _n4("QC"),
    ("2010CA", "DMG"): _dmg("QC"),
    ("2300", "CLM"): CLM,
    ("2300", "DTP"): CLAIM_DTP,
    ("2300", "PWK"): CLAIM_PWK,
    ("2300", "REF"): _ref(c.CLAIM_REF_QUALIFIERS),
    ("2310A", "NM1"): _optional_npi("DN"),
    ("2310B", "NM1"): _nm1("82", "1 2", "XX", id_status="562"),
    ("2310B", "PRV"): PRV,
    ("2310B", "REF"): _ref(c.PROVIDER_REF_QUALIFIERS, "82"),
    ("2310C", "NM1"): _optional_npi("77"),
    ("2310C", "N3"): _n3("77"),
    ("2310C", "N4"): _n4("77"),
    ("2310D", "NM1"): _optional_npi("DQ"),
    ("2400", "LX"): LX,
    ("2400", "SV1"): SV1,
    ("2400", "DTP"): LINE_DTP,
    ("2400", "PWK"): CLAIM_PWK,
    ("2400", "REF"): _ref(c.LINE_REF_QUALIFIERS),
    ("2420A", "NM1"): _nm1("82", "1 2", "XX", id_status="562"),
    ("2420A", "PRV"): PRV,
    ("2420C", "NM1"): _optional_npi("77"),
    ("2420C", "N3"): _n3("77"),
    ("2420C", "N4"): _n4("77"),
    ("2420D", "NM1"): _optional_npi("DQ"),
    ("2420E", "NM1"): _optional_npi("DK"),
    ("2420F", "NM1"): _optional_npi("DN"),
}
