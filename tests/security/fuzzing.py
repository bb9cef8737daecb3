"""Schemathesis against one live service: bounded, deterministic, every failure collected."""

from __future__ import annotations

from collections import Counter
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any

import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import Case, GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

POSITIVE_CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
NEGATIVE_CHECKS = [negative_data_rejection, *POSITIVE_CHECKS]


@dataclass
class FuzzReport:
    """What one service's run sent and found."""

    service: str
    operations: int = 0
    requests: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    failures: dict[str, str] = field(default_factory=dict)

    @property
    def server_errors(self) -> int:
        """Responses with a 5xx status."""
        return sum(n for status, n in self.statuses.items() if status >= 500)


def fuzz(service: str, base_url: str, *, headers: dict[str, str], max_examples: int) -> FuzzReport:
    """Positive then negative cases for every operation of the service's OpenAPI document."""
    schema = schemathesis.openapi.from_url(f"{base_url}/openapi.json")
    report = FuzzReport(service)
    session = requests.Session()
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), f"the document has an unusable operation: {result}"
        operation = result.ok()
        report.operations += 1
        for mode, checks in (
            (GenerationMode.POSITIVE, POSITIVE_CHECKS),
            (GenerationMode.NEGATIVE, NEGATIVE_CHECKS),
        ):
            _run(
                operation.as_strategy(generation_mode=mode),
                lambda case, c=checks: _exchange(case, c, base_url, headers, session, report),
                max_examples,
            )
    return report


def _run(strategy: st.SearchStrategy[Case[Any]], test: Any, max_examples: int) -> None:
    @given(case=strategy)
    @settings(
        max_examples=max_examples,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.generate],
    )
    def run(case: Case[Any]) -> None:
        test(case)

    with suppress(Unsatisfiable):  # negative mode on an operation with nothing to get wrong
        run()


def _exchange(
    case: Case[Any],
    checks: list[Any],
    base_url: str,
    headers: dict[str, str],
    session: requests.Session,
    report: FuzzReport,
) -> None:
    response = case.call(base_url=base_url, session=session, headers=headers, timeout=30)
    report.requests += 1
    report.statuses[response.status_code] += 1
    try:
        case.validate_response(response, checks=checks, headers=headers)
    except FailureGroup as group:  # every failure is recorded; none stops the run
        for failure in group.exceptions:
            key = f"{case.operation.label} [{response.status_code}] {failure.title}"
            report.failures.setdefault(
                key, f"{failure.message}\n{case.as_curl_command(headers)}"[:2000]
            )
