"""Schemathesis against each service's OpenAPI document, with a key that holds every role:
no 5xx, and every response matches what the document declares (status, content type, schema,
headers); invalid input is refused with a 4xx."""

import pytest

from claimflow.services import definitions
from claimflow_shared.auth.keys import Role
from claimflow_shared.http.app import build_app
from tests.security.conftest import issue
from tests.security.fuzzing import fuzz
from tests.security.live import serving

# Examples per operation and mode (positive, negative); derandomized, so every run sends the
# same requests. About 650 requests over the four services.
MAX_EXAMPLES = 5


@pytest.fixture
async def fuzz_key(service_urls: dict[str, str]) -> str:
    return await issue(service_urls, "tenant-fuzz", *Role)


@pytest.mark.parametrize("service", list(definitions()))
def test_no_server_error_and_every_response_matches_its_schema(
    service: str, service_urls: dict[str, str], fuzz_key: str
) -> None:
    definition = definitions()[service]
    app = build_app(
        definition, definition.settings_type(database_url=service_urls[service], bus="memory")
    )
    with serving({service: app}) as urls:
        report = fuzz(
            service, urls[service], headers={"X-API-Key": fuzz_key}, max_examples=MAX_EXAMPLES
        )
    print(
        f"\n{service}: {report.operations} operations, {report.requests} requests, "
        f"5xx: {report.server_errors}, statuses: {dict(sorted(report.statuses.items()))}, "
        f"failures: {len(report.failures)}"
    )
    for key, failure in report.failures.items():
        print(f"--- {key}\n{failure}")
    assert report.requests > 2 * report.operations
    assert report.server_errors == 0
    assert not report.failures
