"""Poison events on every consumed topic are parked beside it while the consumers go on; one
that failed for a fixable reason is replayed after the fix and applied exactly once."""

import asyncio
import functools
import json
import os
import sys
import uuid
from datetime import UTC, datetime

import httpx
import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from sqlalchemy import text

from claimflow_shared.bus import Message
from claimflow_shared.db import connect
from claimflow_shared.events.contracts import (
    ClaimAuthorizationCheckCompleted,
    ClaimCodeReviewCompleted,
    ClaimSubmitted,
)
from claimflow_shared.messaging.dead_letters import DeadLetter, list_dead_letters, replay
from tests.integration.cluster import Cluster
from tests.integration.flow import claim_body, final_claim, wait_for
from tests.integration.load import query, tally

pytestmark = [pytest.mark.integration, pytest.mark.kafka]

POISON_PATIENT = "SYNTH-POISON-0001"
BREAK_REVIEW_STORAGE = (
    "CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS "
    "$$ BEGIN RAISE EXCEPTION 'review storage refused (injected fault)'; END $$",
    "CREATE TRIGGER refuse_poison BEFORE UPDATE ON claims FOR EACH ROW "
    f"WHEN (NEW.patient_ref = '{POISON_PATIENT}') EXECUTE FUNCTION refuse_poison()",
)
FIX_REVIEW_STORAGE = ("DROP TRIGGER refuse_poison ON claims",)
REVIEW_TOPICS = (ClaimCodeReviewCompleted.topic, ClaimAuthorizationCheckCompleted.topic)


def poison(topic: str, event_type: str, value: bytes) -> Message:
    """A message with valid CloudEvents headers around a payload no consumer can apply."""
    event_id = str(uuid.uuid4())
    headers = {
        "ce_specversion": "1.0",
        "ce_id": event_id,
        "ce_type": event_type,
        "ce_source": "/test/poison",
        "ce_time": datetime.now(UTC).isoformat(),
        "content-type": "application/json",
    }
    return Message(
        topic=topic,
        key=event_id.encode(),
        value=value,
        headers=[(k, v.encode()) for k, v in headers.items()],
    )


POISONS = {
    "bad JSON": (
        poison(ClaimSubmitted.topic, ClaimSubmitted.type, b'{"claim_id": "c-1", "lines": ['),
        {"codecatalog.review", "priorauth.claim-check"},
    ),
    "missing field": (
        poison(
            ClaimCodeReviewCompleted.topic,
            ClaimCodeReviewCompleted.type,
            json.dumps({"tenant_id": "tenant-a", "reviewed_at": "2026-01-02T03:04:05Z"}).encode(),
        ),
        {"claims.review"},
    ),
    "unknown version": (
        poison(
            ClaimAuthorizationCheckCompleted.topic,
            ClaimAuthorizationCheckCompleted.type.replace(".v1", ".v9"),
            json.dumps({"claim_id": "c-1", "tenant_id": "tenant-a"}).encode(),
        ),
        {"claims.review", "priorauth.recheck", "notifications.delivery"},
    ),
}


async def execute(url: str, statements: tuple[str, ...]) -> None:
    database = connect(url, pool_size=1)
    try:
        async with database.session() as session:
            for statement in statements:
                await session.execute(text(statement))
    finally:
        await database.dispose()


async def submit(client: httpx.AsyncClient, key: str, patient: str) -> str:
    body = claim_body() | {"patient_ref": patient}
    response = await client.post("/v1/claims", json=body, headers={"X-API-Key": key})
    assert response.status_code == 202, response.text
    claim_id: str = response.json()["claim_id"]
    return claim_id


async def letters_by_event(cluster: Cluster, topic: str) -> dict[str, list[DeadLetter]]:
    found: dict[str, list[DeadLetter]] = {}
    for letter in await list_dead_letters(cluster.bus(), topic):
        found.setdefault(letter.event_id, []).append(letter)
    return found


async def committed(cluster: Cluster, group: str) -> dict[TopicPartition, int]:
    """The offsets ``group`` committed, by namespaced partition."""
    admin = AIOKafkaAdminClient(bootstrap_servers=cluster.bootstrap)
    await admin.start()
    try:
        offsets = await admin.list_consumer_group_offsets(cluster.namespace + group)
    finally:
        await admin.close()
    return {tp: meta.offset for tp, meta in offsets.items()}


async def stored_at(cluster: Cluster, message: Message) -> tuple[TopicPartition, int]:
    """The namespaced partition and offset the broker gave ``message``."""
    event_id = message.header("ce_id")
    [stored] = [
        m for m in await cluster.bus().read_all(message.topic) if m.header("ce_id") == event_id
    ]
    return TopicPartition(cluster.namespace + stored.topic, stored.partition), stored.offset


async def caught_up(cluster: Cluster, group: str) -> bool:
    """Whether ``group`` committed the end of every partition it consumes."""
    done = await committed(cluster, group)
    consumer = AIOKafkaConsumer(bootstrap_servers=cluster.bootstrap)
    await consumer.start()
    try:
        ends = await consumer.end_offsets(list(done))
    finally:
        await consumer.stop()
    return all(done[tp] >= ends[tp] for tp in done)


async def replay_with_cli(cluster: Cluster, topic: str, event_id: str) -> str:
    env = os.environ | {
        "KAFKA_BOOTSTRAP_SERVERS": cluster.bootstrap,
        "KAFKA_NAMESPACE": cluster.namespace,
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "claimflow.cli",
        "dlq",
        "replay",
        topic,
        "--event-id",
        event_id,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await process.communicate()
    assert process.returncode == 0, output.decode()
    return output.decode()


async def letters_of_claim(cluster: Cluster, claim_id: str) -> list[DeadLetter]:
    """The dead letters of the review results of one claim."""
    return [
        letter
        for topic in REVIEW_TOPICS
        for letters in (await letters_by_event(cluster, topic)).values()
        for letter in letters
        if letter.key == claim_id
    ]


async def poisons_parked(cluster: Cluster) -> bool:
    """Whether each poison has a dead letter from every group that reads its type."""
    for message, groups in POISONS.values():
        parked = await letters_by_event(cluster, message.topic)
        if len(parked.get(message.header("ce_id") or "", [])) < len(groups):
            return False
    return True


async def moved_past(
    cluster: Cluster, groups: set[str], partition: TopicPartition, offset: int
) -> bool:
    """Whether every group committed an offset beyond ``offset`` on ``partition``."""
    for group in groups:
        if (await committed(cluster, group)).get(partition, -1) <= offset:
            return False
    return True


async def check_poisons_passed(cluster: Cluster) -> None:
    """Each poison was parked by the groups that read its type, and they moved past it."""
    for name, (message, groups) in POISONS.items():
        letters = (await letters_by_event(cluster, message.topic))[message.header("ce_id") or ""]
        assert {letter.consumer for letter in letters} == groups, name
        assert {letter.message.header("dlq-attempts") for letter in letters} == {"1"}, name
        partition, offset = await stored_at(cluster, message)
        await wait_for(
            functools.partial(moved_past, cluster, groups, partition, offset),
            what=f"the groups to commit past the {name} poison",
        )


async def publish(cluster: Cluster, messages: list[Message]) -> None:
    bus = cluster.bus()
    try:
        await bus.publish(messages)
    finally:
        await bus.stop()


class TestPoisonEvents:
    async def test_each_topic_parks_its_poison_and_a_fixed_one_applies_once_on_replay(
        self, cluster: Cluster, service_urls: dict[str, str], submitter_key: str
    ) -> None:
        claims_url = service_urls["claims"]
        cluster.start_all(consumer_backoff_seconds="0.05", consumer_max_attempts="3")
        async with cluster.claims_api() as client:
            first = await submit(client, submitter_key, "SYNTH-POISON-FIRST")
            await final_claim(client, submitter_key, first, timeout=120)
            await execute(claims_url, BREAK_REVIEW_STORAGE)
            await publish(cluster, [message for message, _ in POISONS.values()])
            after = await submit(client, submitter_key, "SYNTH-POISON-AFTER")
            stuck = await submit(client, submitter_key, POISON_PATIENT)
            assert (await final_claim(client, submitter_key, after))["status"] == "accepted"

            async def all_parked() -> list[DeadLetter] | None:
                letters = await letters_of_claim(cluster, stuck)
                return letters if len(letters) == 2 and await poisons_parked(cluster) else None

            stuck_letters: list[DeadLetter] = await wait_for(all_parked, what="dead letters")
            await check_poisons_passed(cluster)
            assert {letter.message.header("dlq-attempts") for letter in stuck_letters} == {"3"}
            assert all("P0001" in letter.error for letter in stuck_letters)
            status = await client.get(f"/v1/claims/{stuck}", headers={"X-API-Key": submitter_key})
            assert status.json()["status"] == "received"

            await execute(claims_url, FIX_REVIEW_STORAGE)
            for letter in stuck_letters:
                topic = letter.message.header("dlq-original-topic") or ""
                output = await replay_with_cli(cluster, topic, letter.event_id)
                assert "replayed 1 dead letters" in output
            bus = cluster.bus()
            assert await replay(bus, stuck_letters) == 2
            await bus.stop()
            assert (await final_claim(client, submitter_key, stuck))["status"] == "accepted"

        async def review_caught_up() -> bool:
            return await caught_up(cluster, "claims.review")

        await wait_for(review_caught_up, what="claims.review to read the replays")
        found = await tally(claims_url, {c: c for c in (first, after, stuck)})
        parked = sum(len(groups) for _, groups in POISONS.values()) + len(stuck_letters)
        print(
            f"\n| poison events | claims {found.claims} | final {found.final} | lost {found.lost} "
            f"| duplicated {found.duplicated} | 5xx 0 | dead letters {parked} "
            f"| replays {2 * len(stuck_letters)} |"
        )
        assert await applied_once(claims_url, stuck, stuck_letters)
        assert found.lost == 0 and found.duplicated == 0 and found.final == 3


async def applied_once(claims_url: str, claim_id: str, letters: list[DeadLetter]) -> bool:
    """Whether each replayed event has one inbox row and the claim moved once."""
    inbox = await query(
        claims_url,
        "SELECT count(*) FROM inbox WHERE consumer = 'claims.review' AND event_id = ANY(:ids)",
        ids=[letter.event_id for letter in letters],
    )
    transitions = await query(
        claims_url,
        "SELECT to_status FROM claim_transitions WHERE claim_id = :c ORDER BY id",
        c=uuid.UUID(claim_id),
    )
    return bool(inbox[0][0] == len(letters)) and [r[0] for r in transitions] == [
        "received",
        "accepted",
    ]
