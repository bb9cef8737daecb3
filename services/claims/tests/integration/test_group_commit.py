"""Single-claim POSTs that arrive together share a transaction, yet each answers for its own
claim, under its own tenant, and its event carries its own request's trace."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from typing import Any

Claim = Callable[..., dict[str, Any]]


async def test_concurrent_posts_share_transactions_and_keep_their_own_answers(
    api: Any, claim: Claim, sql: Any
) -> None:
    tenants = [api.keys.submitter, api.keys.other_submitter] * 15
    documents = [claim(patient_ref=f"SYNTH-GROUP-{i:03d}") for i in range(len(tenants))]
    responses = await asyncio.gather(
        *(api.submit(doc, key=key) for doc, key in zip(documents, tenants, strict=True))
    )
    assert [r.status_code for r in responses] == [202] * len(tenants)
    ids = [r.json()["claim_id"] for r in responses]
    assert len(set(ids)) == len(ids)
    for claim_id, key, document in zip(ids, tenants, documents, strict=True):
        stored = await api.claim(claim_id, key=key)
        assert stored["patient_ref"] == document["patient_ref"]
    rows = await sql("SELECT count(DISTINCT xmin::text) AS n FROM claims")
    print(f"\n{len(ids)} concurrent claims in {rows[0].n} transaction(s)")
    assert rows[0].n < len(ids)
    rows = await sql("SELECT key, headers FROM outbox")
    traces: dict[str, set[str]] = {}
    for row in rows:
        parent = dict(map(tuple, row.headers)).get("traceparent", "--")
        traces.setdefault(row.key, set()).add(parent.split("-")[1])
    assert all(len(ids) == 1 for ids in traces.values()), "a claim's events share its trace"
    assert len({next(iter(ids)) for ids in traces.values()}) == len(ids), (
        "each claim's events carry its own request's trace"
    )


async def test_a_duplicate_inside_one_group_is_still_rejected(api: Any, claim: Claim) -> None:
    first, second = await asyncio.gather(api.submit(claim()), api.submit(claim()))
    statuses = sorted([first.json()["status"], second.json()["status"]])
    assert statuses == ["received", "rejected"]


def metric(text: str, name: str) -> float:
    """One unlabelled series of the service's Prometheus text (its ``service`` label aside)."""
    [value] = re.findall(rf"^{name}\{{[^}}]*\}} (\S+)$", text, re.M)
    return float(value)


async def test_the_groups_and_their_write_time_are_on_the_metrics(
    api: Any, claim: Claim, sql: Any
) -> None:
    documents = [claim(patient_ref=f"SYNTH-METRIC-{i:03d}") for i in range(12)]
    responses = await asyncio.gather(*(api.submit(document) for document in documents))
    assert [r.status_code for r in responses] == [202] * len(documents)
    text = (await api.client.get("/metrics")).text
    [transactions] = await sql("SELECT count(DISTINCT xmin::text) AS n FROM claims")
    groups = metric(text, "claimflow_intake_group_claims_count")
    assert metric(text, "claimflow_intake_group_claims_sum") == len(documents)
    assert groups == transactions.n < len(documents)
    assert metric(text, "claimflow_intake_group_write_seconds_count") == groups
    assert metric(text, "claimflow_intake_group_write_seconds_sum") > 0
