"""Group commit for single-claim intake: concurrent POSTs share one transaction.

Each ``POST /v1/claims`` waits for its own claim to be committed, so the guarantee is the
same as one transaction per request. While one group is being written, the requests that
arrive queue up and become the next group: at low load a group holds one claim, under load
the fixed cost of a transaction (checkout, BEGIN, a statement per table, COMMIT) is shared.
Intake is set-based already (``service.submit`` takes many drafts), so a group is one call
per submitter. A group that fails on its data is retried claim by claim, so one bad claim
never takes the others down; a group that fails because the database is unreachable fails
every request in it (each answers 503 and the client retries).

Two histograms on the service's ``/metrics`` show how the groups go: the claims in each group
(``claimflow_intake_group_claims``) and the seconds each took to write
(``claimflow_intake_group_write_seconds``). Their ``_sum`` over a while, divided by the while,
is how busy the writer was: near 1, a claim waits for the group before its own.
"""

from __future__ import annotations

import asyncio
import contextvars
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request
from opentelemetry import context as otel_context
from opentelemetry import metrics, trace
from sqlalchemy.exc import DataError, IntegrityError

from claimflow_shared.auth import Principal
from claimflow_shared.db import Database
from claims.dependencies import get_settings
from claims.intake.service import Submitted, submit
from claims.records.drafts import ClaimDraft

DATA_ERRORS = (IntegrityError, DataError)

CLAIMS_BUCKETS = [1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 100, 200]
WRITE_BUCKETS = [0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0]


@dataclass(slots=True)
class _Waiting:
    """One request's claim and the future its request awaits."""

    principal: Principal
    draft: ClaimDraft
    context: otel_context.Context
    answer: asyncio.Future[Submitted]


class GroupCommit:
    """Queues single claims and writes them in groups of at most ``max_claims``."""

    def __init__(
        self,
        database: Database,
        *,
        tracer: trace.Tracer,
        meter: metrics.Meter,
        clock: Callable[[], datetime],
        default_filing_days: int,
        max_claims: int = 200,
    ) -> None:
        self._database = database
        self._tracer = tracer
        self._clock = clock
        self._default_days = default_filing_days
        self._max = max_claims
        self._queue: list[_Waiting] = []
        self._writer: asyncio.Task[None] | None = None
        self._sizes = meter.create_histogram(
            "claimflow_intake_group_claims",
            description="Claims written together by one group commit of single-claim intake",
            explicit_bucket_boundaries_advisory=CLAIMS_BUCKETS,
        )
        self._seconds = meter.create_histogram(
            "claimflow_intake_group_write_seconds",
            unit="s",
            description="Time a group commit took to write its group, retries included",
            explicit_bucket_boundaries_advisory=WRITE_BUCKETS,
        )

    async def submit(self, principal: Principal, draft: ClaimDraft) -> Submitted:
        """Store one claim; return once it (and its event) is committed."""
        answer: asyncio.Future[Submitted] = asyncio.get_running_loop().create_future()
        self._queue.append(_Waiting(principal, draft, otel_context.get_current(), answer))
        if self._writer is None or self._writer.done():
            # A fresh context: the writer's spans must not join the first caller's trace.
            self._writer = asyncio.create_task(self._drain(), context=contextvars.Context())
        return await answer

    async def _drain(self) -> None:
        while self._queue:
            group, self._queue = self._queue[: self._max], self._queue[self._max :]
            started = time.perf_counter()
            try:
                await self._write(group)
            except BaseException as exc:  # never leave a request waiting for ever
                self._fail(group, exc)
                raise
            self._seconds.record(time.perf_counter() - started)
            self._sizes.record(len(group))

    async def _write(self, group: list[_Waiting]) -> None:
        links = [trace.Link(trace.get_current_span(w.context).get_span_context()) for w in group]
        with self._tracer.start_as_current_span("claims intake group", links=links) as span:
            span.set_attribute("claimflow.claims", len(group))
            try:
                results = await self._commit(group)
            except DATA_ERRORS as exc:
                if len(group) == 1:
                    self._fail(group, exc)
                else:
                    for waiting in group:
                        await self._write([waiting])
                return
            except Exception as exc:  # every waiter answers with the same error
                self._fail(group, exc)
                return
        for waiting, result in zip(group, results, strict=True):
            if not waiting.answer.done():
                waiting.answer.set_result(result)

    async def _commit(self, group: list[_Waiting]) -> list[Submitted]:
        """One transaction: the group's claims, submitter by submitter, in arrival order."""
        by_principal: dict[Principal, list[int]] = {}
        for index, waiting in enumerate(group):
            by_principal.setdefault(waiting.principal, []).append(index)
        results: list[Submitted | None] = [None] * len(group)
        now = self._clock()
        async with self._database.session() as session:
            for principal, indexes in by_principal.items():
                answers = await submit(
                    session=session,
                    principal=principal,
                    drafts=[group[i].draft for i in indexes],
                    now=now,
                    default_filing_days=self._default_days,
                    contexts=[group[i].context for i in indexes],
                )
                for index, answer in zip(indexes, answers, strict=True):
                    results[index] = answer
        return [r for r in results if r is not None]

    @staticmethod
    def _fail(group: list[_Waiting], error: BaseException) -> None:
        for waiting in group:
            if waiting.answer.done():
                continue
            if isinstance(error, asyncio.CancelledError):
                waiting.answer.cancel()
            else:
                waiting.answer.set_exception(error)


async def get_group_commit(request: Request) -> GroupCommit:
    """The app's single-claim group commit, made on first use."""
    state = request.app.state
    group: GroupCommit | None = getattr(state, "intake_group_commit", None)
    if group is None:
        settings = await get_settings(request)
        group = GroupCommit(
            state.runtime.database,
            tracer=state.runtime.telemetry.tracer,
            meter=state.runtime.telemetry.meter,
            clock=settings.clock,
            default_filing_days=settings.timely_filing_days,
            max_claims=settings.intake_group_max_claims,
        )
        state.intake_group_commit = group
    return group


GroupCommitDep = Annotated[GroupCommit, Depends(get_group_commit)]
