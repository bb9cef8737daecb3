"""Several tables in one statement: an update finds its rows through the primary key. The
planner cannot count the rows inside the JSON (it guesses 100), and without the keys given
again as an array it scanned a claims table of a few thousand rows whole for every join."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from sqlalchemy import text

from claimflow_shared.db import Database
from claims.records.models import Claim, ClaimTransition
from claims.records.together import statement_of

Document = Callable[..., dict[str, Any]]


async def test_an_update_uses_the_primary_key_on_a_big_table(
    api: Any, claim: Document, database: Database, sql: Any
) -> None:
    answer = await api.submitted(claim())
    async with database.session() as session:
        await session.execute(
            text(
                "INSERT INTO claims SELECT (jsonb_populate_record(c,"
                " jsonb_build_object('id', gen_random_uuid()))).*"
                " FROM claims c, generate_series(1, 3000)"
            )
        )
    await sql("ANALYZE claims")
    target = uuid.UUID(answer["claim_id"])
    written = statement_of(
        update={Claim: [{"id": target, "status": "accepted"}]},
        insert={
            ClaimTransition: [
                {
                    "claim_id": target,
                    "from_status": "received",
                    "to_status": "accepted",
                    "reason": "test",
                    "actor": "test",
                    "at": "2026-03-02T15:00:00+00:00",
                }
            ]
        },
    )
    assert written is not None
    statement, params = written
    async with database.session() as session:
        plan = "\n".join(
            (await session.execute(text(f"EXPLAIN {statement.text}"), params)).scalars()
        )
        await session.execute(statement, params)
    assert "Seq Scan on claims" not in plan, plan
    stored = await api.claim(answer["claim_id"])
    assert stored["status"] == "accepted"
    assert [h["to_status"] for h in stored["history"]] == ["received", "accepted"]
