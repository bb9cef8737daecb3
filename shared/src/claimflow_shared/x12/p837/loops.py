"""The 837P (005010X222A1) loop structure: which NM1 opens which loop, what each loop may hold.

"Level" loops (HEADER, 2000A/B/C, 2300, 2320, 2400) own the NM1 qualifiers that open their
sub-loops; every loop names its parent so an out-of-order segment can find an enclosing loop.
"""

from __future__ import annotations

HEADER = "HEADER"

NM1_LOOPS: dict[str, dict[str, str]] = {
    HEADER: {"41": "1000A", "40": "1000B"},
    "2000A": {"85": "2010AA", "87": "2010AB", "PE": "2010AC"},
    "2000B": {"IL": "2010BA", "PR": "2010BB"},
    "2000C": {"QC": "2010CA"},
    "2300": {
        "DN": "2310A",
        "P3": "2310A",
        "82": "2310B",
        "77": "2310C",
        "DQ": "2310D",
        "PW": "2310E",
        "45": "2310F",
    },
    "2320": {
        "IL": "2330A",
        "PR": "2330B",
        "DN": "2330C",
        "P3": "2330C",
        "82": "2330D",
        "77": "2330E",
        "DQ": "2330F",
        "85": "2330G",
    },
    "2400": {
        "82": "2420A",
        "QB": "2420B",
        "77": "2420C",
        "DQ": "2420D",
        "DK": "2420E",
        "DN": "2420F",
        "P3": "2420F",
        "PW": "2420G",
        "45": "2420H",
    },
}

_PROVIDER_REF = frozenset({"REF"})
_ADDRESS = frozenset({"N3", "N4"})

ALLOWED: dict[str, frozenset[str]] = {
    HEADER: frozenset({"BHT"}),
    "1000A": frozenset({"PER"}),
    "1000B": frozenset(),
    "2000A": frozenset({"PRV", "CUR"}),
    "2010AA": frozenset({"N3", "N4", "REF", "PER"}),
    "2010AB": _ADDRESS,
    "2010AC": _ADDRESS | {"REF"},
    "2000B": frozenset({"SBR", "PAT"}),
    "2010BA": _ADDRESS | {"DMG", "REF", "PER"},
    "2010BB": _ADDRESS | {"REF"},
    "2000C": frozenset({"PAT"}),
    "2010CA": _ADDRESS | {"DMG", "REF", "PER"},
    "2300": frozenset(
        {"DTP", "PWK", "CN1", "AMT", "REF", "K3", "NTE", "CR1", "CR2", "CRC", "HI", "HCP"}
    ),
    "2310A": _PROVIDER_REF,
    "2310B": frozenset({"PRV", "REF"}),
    "2310C": _ADDRESS | {"REF", "PER"},
    "2310D": _PROVIDER_REF,
    "2310E": _ADDRESS,
    "2310F": _ADDRESS,
    "2320": frozenset({"CAS", "AMT", "OI", "MOA"}),
    "2330A": _ADDRESS | {"REF"},
    "2330B": _ADDRESS | {"DTP", "REF"},
    "2330C": _PROVIDER_REF,
    "2330D": _PROVIDER_REF,
    "2330E": _PROVIDER_REF,
    "2330F": _PROVIDER_REF,
    "2330G": _PROVIDER_REF,
    "2400": frozenset(
        {
            "SV1",
            "SV5",
            "PWK",
            "CR1",
            "CR3",
            "CRC",
            "DTP",
            "QTY",
            "MEA",
            "CN1",
            "REF",
            "AMT",
            "K3",
            "NTE",
            "PS1",
            "HCP",
        }
    ),
    "2410": frozenset({"CTP", "REF"}),
    "2420A": frozenset({"PRV", "REF"}),
    "2420B": _PROVIDER_REF,
    "2420C": _ADDRESS | {"REF"},
    "2420D": _PROVIDER_REF,
    "2420E": _ADDRESS | {"REF", "PER"},
    "2420F": _PROVIDER_REF,
    "2420G": _ADDRESS,
    "2420H": _ADDRESS,
    "2430": frozenset({"CAS", "DTP", "AMT"}),
    "2440": frozenset({"FRM"}),
}

PARENT: dict[str, str] = {
    "1000A": HEADER,
    "1000B": HEADER,
    "2010AA": "2000A",
    "2010AB": "2000A",
    "2010AC": "2000A",
    "2010BA": "2000B",
    "2010BB": "2000B",
    "2010CA": "2000C",
    **{f"2310{x}": "2300" for x in "ABCDEF"},
    "2320": "2300",
    **{f"2330{x}": "2320" for x in "ABCDEFG"},
    "2410": "2400",
    "2430": "2400",
    "2440": "2400",
    **{f"2420{x}": "2400" for x in "ABCDEFGH"},
}

REQUIRED: dict[str, tuple[str, ...]] = {
    "1000A": ("PER",),
    "2010AA": ("N3", "N4", "REF"),
    "2010AB": ("N3", "N4"),
    "2010AC": ("N3", "N4"),
    "2010CA": ("N3", "N4", "DMG"),
    "2310C": ("N3", "N4"),
    "2310E": ("N3", "N4"),
    "2310F": ("N3", "N4"),
    "2320": ("OI",),
    "2410": ("CTP",),
    "2420C": ("N3", "N4"),
    "2420G": ("N3", "N4"),
    "2420H": ("N3", "N4"),
    "2430": ("DTP",),
    "2440": ("FRM",),
}

STARTERS = frozenset({"HL", "CLM", "LX", "NM1", "SBR", "LIN", "SVD", "LQ"})
KNOWN_SEGMENTS = STARTERS | frozenset().union(*ALLOWED.values())
LINE_SUBLOOPS = {"LIN": "2410", "SVD": "2430", "LQ": "2440"}
COMPOSITE_POSITION = {"CLM": 5, "SV1": 1, "HI": 1}


def enclosing(loop: str, tag: str) -> str | None:
    """Return the nearest enclosing loop (the loop itself first) that may hold tag, if any."""
    current: str | None = loop
    while current is not None:
        if tag in ALLOWED.get(current, ()):
            return current
        current = PARENT.get(current)
    return None
