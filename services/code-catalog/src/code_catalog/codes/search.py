"""Free-text queries over descriptors: words, abbreviations and synonyms into a ``tsquery``.

Each word of the query becomes a group: the word as a prefix (so "admin" finds
"administration" and "arthroscop" both "arthroscopy" and "arthroscopic"), OR-ed with the
words it abbreviates or is a synonym of. The groups are AND-ed, so every word must be matched
by one of its forms. Words are letters and digits only, so nothing the user types reaches the
``tsquery`` syntax.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from code_catalog.codes.formats import CodeFormatError, normalize_icd10cm

MAX_QUERY_CHARS = 200
MAX_TERMS = 10
MIN_PREFIX = 3
_WORD = re.compile(r"[a-z0-9]+(?:\.[a-z0-9]+)?")

SYNONYMS: dict[str, tuple[str, ...]] = {
    "flu": ("influenza",),
    "vaccine": ("vaccination", "immunization", "vac"),
    "vaccination": ("vaccine", "immunization"),
    "vax": ("vaccine", "vaccination", "immunization"),
    "immunization": ("vaccine", "vaccination"),
    "shot": ("injection", "vaccine"),
    "jab": ("injection", "vaccine"),
    "admin": ("administration", "administered"),
    "inj": ("injection",),
    "arthroscopy": ("arthroscopic", "arthroscp", "arthro"),
    "scope": ("arthroscopy", "arthroscopic", "endoscopy", "endoscopic"),
    "ekg": ("electrocardiogram", "ecg"),
    "ecg": ("electrocardiogram", "ekg"),
    "xray": ("radiologic", "radiograph", "x ray"),
    "mri": ("magnetic resonance",),
    "ct": ("computed tomography",),
    "pet": ("positron emission",),
    "bp": ("blood pressure",),
    "dm": ("diabetes mellitus",),
    "t2dm": ("type 2 diabetes",),
    "htn": ("hypertension",),
    "copd": ("chronic obstructive pulmonary",),
    "uti": ("urinary tract infection",),
    "chf": ("heart failure",),
    "mi": ("myocardial infarction",),
    "afib": ("atrial fibrillation",),
    "dme": ("durable medical equipment",),
    "bls": ("basic life support",),
    "als": ("advanced life support",),
    "er": ("emergency",),
    "ed": ("emergency",),
    "wc": ("wheelchair",),
    "pt": ("physical therapy",),
    "ot": ("occupational therapy",),
    "o2": ("oxygen",),
    "covid": ("covid-19", "sars-cov-2", "coronavirus"),
}
STOPWORDS = frozenset(
    {"a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "into", "is"}
    | {"of", "on", "or", "the", "to", "with", "without", "w", "wo"}
)


class QueryRejected(ValueError):
    """A search query that would match everything or nothing: too long, too many words, empty."""


NEGATIONS = frozenset({"not", "no"})


@dataclass(frozen=True, slots=True)
class SearchQuery:
    """A parsed search: the ``tsquery`` text, the code the query spells (if it spells one), and
    whether the user asked for a negation ("not given"); descriptors that say a service was
    *not* done rank lower unless the user asked for one."""

    tsquery: str
    code: str | None
    negated: bool = False


def _form(word: str) -> str:
    """One word as a ``tsquery`` operand: a prefix when long enough, else the word itself."""
    return f"{word}:*" if len(word) >= MIN_PREFIX else word


def _phrase(text: str) -> str:
    """A synonym of one or more words as a phrase."""
    words = _WORD.findall(text.lower().replace("-", " "))
    return " <-> ".join(_form(word) for word in words)


def _group(word: str) -> str:
    """A word OR-ed with its synonyms."""
    forms = [_form(word), *(_phrase(synonym) for synonym in SYNONYMS.get(word, ()))]
    unique = list(dict.fromkeys(form for form in forms if form))
    return unique[0] if len(unique) == 1 else "(" + " | ".join(unique) + ")"


def _spelled_code(text: str) -> str | None:
    """The code a one-word query spells (ICD-10-CM dots removed), if it looks like one."""
    candidate = text.strip().upper()
    if not candidate or " " in candidate or len(candidate) > 8:
        return None
    try:
        return normalize_icd10cm(candidate)
    except CodeFormatError:
        return candidate if candidate.isalnum() else None


def parse_query(text: str) -> SearchQuery:
    """Turn what a user typed into a ``tsquery``; reject a query that cannot be searched."""
    if len(text) > MAX_QUERY_CHARS:
        raise QueryRejected(f"the query is longer than {MAX_QUERY_CHARS} characters")
    typed = [word.replace(".", "") for word in _WORD.findall(text.lower())]
    words = [word for word in typed if word not in STOPWORDS and word not in NEGATIONS]
    if not words:
        raise QueryRejected("the query has no words to search for")
    if len(words) > MAX_TERMS:
        raise QueryRejected(f"the query has more than {MAX_TERMS} words")
    groups = list(dict.fromkeys(_group(word) for word in words))
    negated = not NEGATIONS.isdisjoint(typed)
    return SearchQuery(" & ".join(groups), _spelled_code(text), negated)
