"""The Kafka broker goes away for 20 s while claims keep coming in over HTTP."""

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from claimflow_shared.testing.infra import KafkaBroker
from tests.integration.cluster import Cluster
from tests.integration.flow import wait_for
from tests.integration.load import ClaimLoad, settled, summary, tally

pytestmark = [pytest.mark.integration, pytest.mark.kafka]

OUTAGE_SECONDS = 20


@pytest.fixture
async def cluster(
    service_urls: dict[str, str], private_broker: KafkaBroker, tmp_path: Path
) -> AsyncIterator[Cluster]:
    running = Cluster(service_urls, private_broker.bootstrap_servers, tmp_path)
    yield running
    running.stop()


class TestBrokerOutage:
    async def test_claims_taken_during_the_outage_are_all_reviewed_once_it_ends(
        self,
        cluster: Cluster,
        private_broker: KafkaBroker,
        service_urls: dict[str, str],
        submitter_key: str,
    ) -> None:
        cluster.start_all()
        async with cluster.claims_api() as client:
            load = ClaimLoad(client, submitter_key, pause=0.2)
            submitting = asyncio.create_task(load.run())

            async def flowing() -> bool:
                found = await tally(service_urls["claims"], load.accepted)
                return found.final > 0

            await wait_for(flowing, timeout=120, what="the first claim to be reviewed")
            await private_broker.stop()
            before = len(load.accepted)
            await asyncio.sleep(OUTAGE_SECONDS)
            during = len(load.accepted) - before
            api_ready = await client.get("/ready")
            async with httpx.AsyncClient() as probe:
                worker_ready = await probe.get(cluster.workers["claims"].probe_url + "/ready")
            final_during = (await tally(service_urls["claims"], load.accepted)).final
            await private_broker.start()
            back = time.monotonic()
            await asyncio.sleep(3)
            load.stop()
            await submitting
        found = await settled(service_urls["claims"], load.accepted, timeout=120)
        print(summary(f"broker outage {OUTAGE_SECONDS} s", found, load))
        print(
            f"accepted while the broker was down: {during}; final by its return: {final_during};"
            f" all final {time.monotonic() - back:.1f} s after it answered again"
        )
        assert cluster.dead_workers() == []
        assert during > 0
        assert api_ready.status_code == 200
        assert api_ready.json()["checks"] == {"database": "ok", "bus": "unreachable"}
        assert worker_ready.status_code == 503
        assert found.lost == 0
        assert found.final == found.claims
        assert found.duplicated == 0
        assert load.server_errors == 0
        assert load.errors == []
