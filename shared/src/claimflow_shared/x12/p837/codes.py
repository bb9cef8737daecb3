"""Code values the 837P guide (005010X222A1) fixes, and external code lists it relies on."""

from __future__ import annotations

import re
from functools import lru_cache

US_STATES = frozenset(
    [
        "AL",
        "AK",
        "AZ",
        "AR",
        "CA",
        "CO",
        "CT",
        "DE",
        "DC",
        "FL",
        "GA",
        "HI",
        "ID",
        "IL",
        "IN",
        "IA",
        "KS",
        "KY",
        "LA",
        "ME",
        "MD",
        "MA",
        "MI",
        "MN",
        "MS",
        "MO",
        "MT",
        "NE",
        "NV",
        "NH",
        "NJ",
        "NM",
        "NY",
        "NC",
        "ND",
        "OH",
        "OK",
        "OR",
        "PA",
        "RI",
        "SC",
        "SD",
        "TN",
        "TX",
        "UT",
        "VT",
        "VA",
        "WA",
        "WV",
        "WI",
        "WY",
        "AS",
        "FM",
        "GU",
        "MH",
        "MP",
        "PW",
        "PR",
        "VI",
        "AA",
        "AE",
        "AP",
    ]
)
CANADIAN_PROVINCES = frozenset(
    ["AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT"]
)
STATES_AND_PROVINCES = US_STATES | CANADIAN_PROVINCES

FREQUENCY_ORIGINAL = "1"
FREQUENCY_REPLACEMENT = "7"
FREQUENCY_VOID = "8"
FREQUENCY_CODES = "1 7 8"
PAYER_RESPONSIBILITY_CODES = "A B C D E F G H P S T U"
CLAIM_FILING_CODES = "11 12 13 14 15 16 17 AM BL CH CI DS FI HM LM MA MB MC OF TV VA WC ZZ"
PATIENT_RELATIONSHIP_CODES = "01 19 20 21 39 40 53 G8"
SELF_RELATIONSHIP = "18"

CLAIM_DATE_QUALIFIERS = (
    "431 454 304 453 439 484 455 471 314 360 361 297 296 435 096 090 091 444 050"
)
CLAIM_RANGE_QUALIFIERS = frozenset({"314", "360", "361"})
LINE_DATE_QUALIFIERS = "472 471 607 463 461 304 738 739 011 455 454"
SERVICE_DATE = "472"

CLAIM_REF_QUALIFIERS = "4N F5 EW 9F G1 F8 X4 9A 9C LX D9 EA P4 1J"
LINE_REF_QUALIFIERS = "9B 9D G1 6R EW X4 F4 BT 9F"
BILLING_REF_QUALIFIERS = "EI SY 0B 1G"
TAX_ID_QUALIFIERS = frozenset({"EI", "SY"})
PAYER_REF_QUALIFIERS = "2U EI FY NF G2 LU"
PROVIDER_REF_QUALIFIERS = "0B 1G G2 LU"
PRIOR_AUTHORIZATION = "G1"
PAYER_CLAIM_CONTROL_NUMBER = "F8"
CLEARINGHOUSE_TRACE = "D9"
LINE_CONTROL_NUMBER = "6R"

ATTACHMENT_REPORT_TYPES = (
    "03 04 05 06 07 08 09 10 11 13 15 21 A3 A4 AM AS B2 B3 B4 BR BS BT CB CK CT D2 "
    "DA DB DG DJ DS EB HC HR I5 IR LA M1 MT NN OB OC OD OE OX OZ P4 P5 PE PN PO PQ PY PZ RB RR RT "
    "RX SG V5 XP"
)
ATTACHMENT_TRANSMISSION = "AA BM EL EM FT FX"
DME_CERTIFICATE_TRANSMISSION = "AB AD AF AG NS"
DME_CERTIFICATE_TYPE = "CT"

ICD10_QUALIFIERS = frozenset({"ABK", "ABF"})
ICD9_QUALIFIERS = frozenset({"BK", "BF"})
PRINCIPAL_QUALIFIERS = frozenset({"ABK", "BK"})
OTHER_DIAGNOSIS_QUALIFIERS = "ABF BF"
OTHER_HI_QUALIFIERS = frozenset({"BP", "BO", "BG"})
ICD10_PATTERN = re.compile(r"[A-Z][0-9][0-9A-Z]{1,5}")
ICD9_PATTERN = re.compile(r"\d{3,5}|V\d{2,4}|E\d{3,4}")

PROCEDURE_QUALIFIERS = "ER HC IV WK"
HCPCS_QUALIFIER = "HC"
PROCEDURE_PATTERN = re.compile(r"[A-Z0-9]{5}")
POS_PATTERN = re.compile(r"\d{2}")
NPI_PATTERN = re.compile(r"\d{10}")
TAX_ID_PATTERN = re.compile(r"\d{9}")
ZIP_PATTERN = re.compile(r"\d{5}(?:\d{4})?")
ZIP9_PATTERN = re.compile(r"\d{9}")
POINTER_CODES = " ".join(str(n) for n in range(1, 13))

MAX_DIAGNOSES = 12
MAX_LINES = 50
MAX_CLAIMS_PER_SUBSCRIBER = 100
ICD10_EFFECTIVE = (2015, 10, 1)


@lru_cache(maxsize=4096)
def npi_check_digit_ok(npi: str) -> bool:
    """Tell whether a ten-digit NPI passes the Luhn check over the 80840 card-issuer prefix."""
    total = 0
    for index, char in enumerate(reversed("80840" + npi)):
        digit = ord(char) - 48
        if index % 2:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0
