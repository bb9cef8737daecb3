"""A consumer transaction plans every statement for the tables as they are now.

PostgreSQL's default keeps a prepared statement's generic plan for the connection's life once
it chose one (after five executions): a plan made while a table was nearly empty scans it
whole after it grew. Recording the inbox, the first statement of every consumer transaction,
switches the rest of that transaction to custom plans.
"""

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from claimflow_shared.db import Database
from claimflow_shared.messaging import inbox


async def _plan_after_growth(session: AsyncSession) -> str:
    """Prepare a keyed update, run it on an analyzed one-row table until PostgreSQL keeps a
    generic plan, grow the table to 20,000 rows (no ANALYZE again: nothing invalidates the
    plan), and return the plan an execution would use now."""
    await session.execute(text("CREATE TEMP TABLE grows (id int PRIMARY KEY, n int)"))
    await session.execute(text("INSERT INTO grows VALUES (1, 0)"))
    await session.execute(text("ANALYZE grows"))
    await session.execute(
        text("PREPARE bump(int[]) AS UPDATE grows SET n = n + 1 WHERE id = ANY($1)")
    )
    for _ in range(8):
        await session.execute(text("EXECUTE bump('{1}')"))
    await session.execute(text("INSERT INTO grows SELECT g, 0 FROM generate_series(2, 20000) g"))
    plan = "\n".join((await session.execute(text("EXPLAIN EXECUTE bump('{7}')"))).scalars())
    await session.execute(text("DEALLOCATE bump"))  # a rollback would leave it on the connection
    return plan


async def test_a_generic_plan_made_on_a_small_table_keeps_scanning_it(
    platform_db: Database,
) -> None:
    async with platform_db.session() as session:
        plan = await _plan_after_growth(session)
        await session.rollback()
    assert "Seq Scan on grows" in plan, plan


async def test_after_the_inbox_the_plan_is_made_for_the_table_as_it_is(
    platform_db: Database,
) -> None:
    async with platform_db.session() as session:
        fresh = await inbox.first_deliveries(session, consumer="c", events=[("e-1", "t")])
        assert fresh == {"e-1"}
        assert await session.scalar(text("SHOW plan_cache_mode")) == "force_custom_plan"
        plan = await _plan_after_growth(session)
        await session.rollback()
    assert "Seq Scan on grows" not in plan, plan
    assert "grows_pkey" in plan, plan


async def test_the_setting_ends_with_the_transaction(platform_db: Database) -> None:
    async with platform_db.session() as session:
        assert await inbox.first_delivery(session, consumer="c", event_id="e-2", event_type="t")
        assert await session.scalar(text("SHOW plan_cache_mode")) == "force_custom_plan"
    async with platform_db.session() as session:
        assert await session.scalar(text("SHOW plan_cache_mode")) == "auto"
        assert not await inbox.first_delivery(session, consumer="c", event_id="e-2", event_type="t")
