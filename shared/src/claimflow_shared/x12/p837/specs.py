"""Element rules of the 837P segments this reader validates, keyed by (loop, segment id).

Data element reference numbers, lengths and code lists follow the 005010X222A1 guide; status
codes are the claim status codes (code source 508) a 277CA reports when the rule fails.
"""

from __future__ import annotations

from claimflow_shared.x12.elements import Rule, SegmentSpec, code_rule, spec
from claimflow_shared.x12.p837 import codes as c
from claimflow_shared.x12.p837.spec_builders import dmg, n3, n4, nm1, provider_nm1, ref

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
    ("1000A", "NM1"): nm1("41", "1 2", "46", id_status="153"),
    ("1000A", "PER"): SUBMITTER_PER,
    ("1000B", "NM1"): nm1("40", "2", "46", id_status="153"),
    ("2000A", "PRV"): PRV,
    ("2010AA", "NM1"): nm1("85", "1 2", "XX", id_status="562"),
    ("2010AA", "N3"): n3("85"),
    ("2010AA", "N4"): n4("85", zip9=True),
    ("2010AA", "REF"): ref(c.BILLING_REF_QUALIFIERS, "85"),
    ("2010AB", "N3"): n3("87"),
    ("2010AB", "N4"): n4("87"),
    ("2010AC", "N3"): n3("PE"),
    ("2010AC", "N4"): n4("PE"),
    ("2000B", "SBR"): SBR,
    ("2010BA", "NM1"): nm1("IL", "1 2", "II MI", id_status="164"),
    ("2010BA", "N3"): n3("IL"),
    ("2010BA", "N4"): n4("IL"),
    ("2010BA", "DMG"): dmg("IL"),
    ("2010BB", "NM1"): nm1("PR", "2", "PI XV", id_status="153"),
    ("2010BB", "N3"): n3("PR"),
    ("2010BB", "N4"): n4("PR"),
    ("2010BB", "REF"): ref(c.PAYER_REF_QUALIFIERS, "PR"),
    ("2000C", "PAT"): PAT,
    ("2010CA", "NM1"): nm1("QC", "1", None, id_status="164"),
    ("2010CA", "N3"): n3("QC"),
    ("2010CA", "N4"): n4("QC"),
    ("2010CA", "DMG"): dmg("QC"),
    ("2300", "CLM"): CLM,
    ("2300", "DTP"): CLAIM_DTP,
    ("2300", "PWK"): CLAIM_PWK,
    ("2300", "REF"): ref(c.CLAIM_REF_QUALIFIERS),
    ("2310A", "NM1"): provider_nm1("DN"),
    ("2310B", "NM1"): nm1("82", "1 2", "XX", id_status="562"),
    ("2310B", "PRV"): PRV,
    ("2310B", "REF"): ref(c.PROVIDER_REF_QUALIFIERS, "82"),
    ("2310C", "NM1"): provider_nm1("77"),
    ("2310C", "N3"): n3("77"),
    ("2310C", "N4"): n4("77"),
    ("2310D", "NM1"): provider_nm1("DQ"),
    ("2400", "LX"): LX,
    ("2400", "SV1"): SV1,
    ("2400", "DTP"): LINE_DTP,
    ("2400", "PWK"): CLAIM_PWK,
    ("2400", "REF"): ref(c.LINE_REF_QUALIFIERS),
    ("2420A", "NM1"): nm1("82", "1 2", "XX", id_status="562"),
    ("2420A", "PRV"): PRV,
    ("2420C", "NM1"): provider_nm1("77"),
    ("2420C", "N3"): n3("77"),
    ("2420C", "N4"): n4("77"),
    ("2420D", "NM1"): provider_nm1("DQ"),
    ("2420E", "NM1"): provider_nm1("DK"),
    ("2420F", "NM1"): provider_nm1("DN"),
}
