"""The PostgreSQL server of the services goes away while claims keep coming in over HTTP."""

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from claimflow.provisioning import create_key
from claimflow_shared.auth.keys import Role
from claimflow_shared.errors import PROBLEM_JSON
from claimflow_shared.testing.infra import PostgresServer
from tests.integration.cluster import Cluster
from tests.integration.flow import wait_for
from tests.integration.load import ClaimLoad, settled, summary, tally

pytestmark = [pytest.mark.integration, pytest.mark.kafka]

OUTAGE_SECONDS = 10


@pytest.fixture
async def cluster(
    private_service_urls: dict[str, str], kafka_bootstrap: str, tmp_path: Path
) -> AsyncIterator[Cluster]:
    running = Cluster(private_service_urls, kafka_bootstrap, tmp_path)
    yield running
    running.stop()


class TestDatabaseOutage:
    async def test_the_api_answers_503_while_down_and_loses_no_accepted_claim(
        self,
        cluster: Cluster,
        private_postgres: PostgresServer,
        private_service_urls: dict[str, str],
    ) -> None:
        urls = private_service_urls
        key = await create_key(
            urls.values(), tenant_id="tenant-a", roles=(Role.SUBMITTER,), name="outage"
        )
        cluster.start_all()
        async with cluster.claims_api() as client:
            load = ClaimLoad(client, key.secret, pause=0.2)
            submitting = asyncio.create_task(load.run())

            async def flowing() -> bool:
                return (await tally(urls["claims"], load.accepted)).final > 0

            await wait_for(flowing, timeout=120, what="the first claim to be reviewed")
            await private_postgres.stop()
            await asyncio.sleep(1)  # an answer committed just before the stop may still arrive
            before = len(load.accepted)
            await asyncio.sleep(OUTAGE_SECONDS - 1)
            during = len(load.accepted) - before
            inquiry = await client.get(
                f"/v1/claims/{next(iter(load.accepted.values()))}",
                headers={"X-API-Key": key.secret},
            )
            readiness = await client.get("/ready")
            await private_postgres.start()
            back = time.monotonic()

            async def answering_again() -> bool:
                return len(load.accepted) > before + during

            await wait_for(answering_again, timeout=60, what="the API to accept claims again")
            await asyncio.sleep(2)
            load.stop()
            await submitting
        found = await settled(urls["claims"], load.accepted, timeout=120)
        print(summary(f"database outage {OUTAGE_SECONDS} s", found, load))
        print(
            f"accepted while the database was down: {during}; all final "
            f"{time.monotonic() - back:.1f} s after it answered again"
        )
        assert cluster.dead_workers() == []
        assert during == 0
        assert inquiry.status_code == 503 and inquiry.headers["retry-after"]
        assert readiness.status_code == 503
        assert readiness.json()["checks"]["database"] == "unreachable"
        assert load.unavailable, "no request met the outage"
        assert {r.status_code for r in load.unavailable} == {503}
        assert all(r.headers.get("retry-after") for r in load.unavailable)
        assert all(r.headers["content-type"] == PROBLEM_JSON for r in load.unavailable)
        assert load.errors == []
        assert found.lost == 0
        assert found.final == found.claims
        assert found.duplicated == 0
