"""The intake writer's wait for a fuller group: only behind a group it has just written, only
while fewer than enough claims queue, and never longer than its wait."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any, cast

import pytest
from opentelemetry import metrics, trace

from claimflow_shared.auth import Principal
from claimflow_shared.db import Database
from claims.intake.group_commit import GroupCommit, _Waiting
from claims.records.drafts import ClaimDraft

LONG = 60.0
"""A wait no test sits out: a claim answered while it runs was not kept waiting by it."""


class Recording(GroupCommit):
    """A group commit that notes its groups instead of writing them, and can hold a write."""

    def __init__(self, *, wait_seconds: float, enough_claims: int) -> None:
        super().__init__(
            database=cast(Database, None),  # never used: _commit is replaced
            tracer=trace.get_tracer(__name__),
            meter=metrics.get_meter(__name__),
            clock=lambda: datetime(2026, 1, 5, tzinfo=UTC),
            default_filing_days=365,
            wait_seconds=wait_seconds,
            enough_claims=enough_claims,
        )
        self.groups: list[list[str]] = []
        self.release = asyncio.Event()
        self.release.set()

    async def _commit(self, group: list[_Waiting]) -> list[Any]:
        self.groups.append([str(waiting.draft) for waiting in group])
        await self.release.wait()
        return [f"stored {waiting.draft}" for waiting in group]

    def submitting(self, draft: str) -> asyncio.Task[Any]:
        return asyncio.create_task(self.submit(cast(Principal, None), cast(ClaimDraft, draft)))

    async def writing(self, draft: str) -> asyncio.Task[Any]:
        """Submit ``draft`` and return once its group's write has begun (and is held)."""
        self.release.clear()
        task = self.submitting(draft)
        while not any(draft in group for group in self.groups):
            await asyncio.sleep(0)
        return task


async def test_a_claim_that_finds_the_writer_idle_is_written_at_once() -> None:
    writer = Recording(wait_seconds=LONG, enough_claims=8)
    assert await asyncio.wait_for(writer.submitting("a"), 5) == "stored a"
    assert writer.groups == [["a"]]


async def test_a_few_claims_behind_a_group_wait_until_enough_queue() -> None:
    writer = Recording(wait_seconds=LONG, enough_claims=3)
    first = await writer.writing("a")
    second, third = writer.submitting("b"), writer.submitting("c")
    writer.release.set()
    await first
    await asyncio.sleep(0.05)
    assert not second.done() and writer.groups == [["a"]], "two of three: still waiting"
    fourth = writer.submitting("d")
    answers = list(await asyncio.wait_for(asyncio.gather(second, third, fourth), 5))
    assert answers == ["stored b", "stored c", "stored d"]
    assert writer.groups == [["a"], ["b", "c", "d"]]


async def test_the_wait_ends_after_its_time_with_what_queued() -> None:
    writer = Recording(wait_seconds=0.02, enough_claims=8)
    first = await writer.writing("a")
    second = writer.submitting("b")
    writer.release.set()
    answers = list(await asyncio.wait_for(asyncio.gather(first, second), 5))
    assert answers == ["stored a", "stored b"]
    assert writer.groups == [["a"], ["b"]]


async def test_enough_claims_behind_a_group_are_written_without_waiting() -> None:
    writer = Recording(wait_seconds=LONG, enough_claims=2)
    first = await writer.writing("a")
    queued = [writer.submitting(draft) for draft in "bc"]
    writer.release.set()
    await asyncio.wait_for(asyncio.gather(first, *queued), 5)
    assert writer.groups == [["a"], ["b", "c"]]


async def test_stopping_the_writer_while_it_waits_answers_the_claims_queued() -> None:
    writer = Recording(wait_seconds=LONG, enough_claims=8)
    first = await writer.writing("a")
    second = writer.submitting("b")
    writer.release.set()
    await first
    await asyncio.sleep(0.05)
    assert writer._writer is not None
    writer._writer.cancel()
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(second, 5)
