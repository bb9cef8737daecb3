"""KeyResolver: a cached answer opens no connection; a miss or an expired answer reads the key,
once for all the requests waiting on it."""

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from claimflow_shared.auth.keys import KeyResolver, Role, new_key, revoke_key, store_key
from claimflow_shared.db import Database


@contextmanager
def checkouts(database: Database) -> Iterator[list[Any]]:
    """The pooled connections handed out while the block runs."""
    seen: list[Any] = []

    def note(dbapi_connection: Any, record: Any, proxy: Any) -> None:
        seen.append(dbapi_connection)

    pool = database.engine.sync_engine.pool
    event.listen(pool, "checkout", note)
    try:
        yield seen
    finally:
        event.remove(pool, "checkout", note)


async def stored(database: Database, *roles: Role) -> Any:
    key = new_key(tenant_id="tenant-a", roles=roles)
    async with database.session() as session:
        await store_key(session, key, name="resolver test")
    return key


async def test_a_cached_key_is_answered_without_a_connection(platform_db: Database) -> None:
    key = await stored(platform_db, Role.SUBMITTER)
    resolver = KeyResolver(ttl=60)
    with checkouts(platform_db) as first:
        principal = await resolver.resolve(platform_db, key.secret)
    assert principal is not None
    assert (principal.key_id, principal.tenant_id) == (str(key.id), "tenant-a")
    assert principal.roles == {Role.SUBMITTER}
    assert len(first) == 1
    with checkouts(platform_db) as again:
        assert await resolver.resolve(platform_db, key.secret) == principal
    assert again == []


async def test_an_unknown_key_is_none(platform_db: Database) -> None:
    assert await KeyResolver().resolve(platform_db, "cf_not-a-key") is None


async def test_a_revocation_shows_once_the_cached_answer_expires(platform_db: Database) -> None:
    key = await stored(platform_db, Role.OPS)
    cached, expiring = KeyResolver(ttl=60), KeyResolver(ttl=0)
    assert await cached.resolve(platform_db, key.secret) is not None
    assert await expiring.resolve(platform_db, key.secret) is not None
    async with platform_db.session() as session:
        assert await revoke_key(session, key.id)
    assert await cached.resolve(platform_db, key.secret) is not None
    with checkouts(platform_db) as reread:
        assert await expiring.resolve(platform_db, key.secret) is None
    assert len(reread) == 1


async def test_requests_that_find_the_answer_expired_share_one_read(platform_db: Database) -> None:
    key = await stored(platform_db, Role.SUBMITTER)
    resolver = KeyResolver(ttl=0)  # every answer has expired by the next request
    with checkouts(platform_db) as reads:
        answers = await asyncio.gather(
            *(resolver.resolve(platform_db, key.secret) for _ in range(20))
        )
    assert {a.key_id for a in answers if a is not None} == {str(key.id)}
    assert len(answers) == 20
    assert len(reads) == 1
    with checkouts(platform_db) as later:
        assert await resolver.resolve(platform_db, key.secret) is not None
    assert len(later) == 1


async def test_a_request_that_goes_away_leaves_the_shared_read_running(
    platform_db: Database,
) -> None:
    key = await stored(platform_db, Role.SUBMITTER)
    resolver = KeyResolver(ttl=60)
    leaving = asyncio.create_task(resolver.resolve(platform_db, key.secret))
    await asyncio.sleep(0)  # its read has started
    staying = asyncio.create_task(resolver.resolve(platform_db, key.secret))
    await asyncio.sleep(0)
    leaving.cancel()
    principal = await staying
    assert principal is not None and principal.key_id == str(key.id)
    assert leaving.cancelled()
    with checkouts(platform_db) as again:
        assert await resolver.resolve(platform_db, key.secret) == principal
    assert again == []
