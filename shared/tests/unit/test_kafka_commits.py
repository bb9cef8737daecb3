"""Offset commits in the background: spaced out, merged, and flushed at once when asked."""

import asyncio

from claimflow_shared.bus.kafka_commits import Committer, Offsets


class Broker:
    """Records each commit request; ``slow`` holds every request that long."""

    def __init__(self, slow: float = 0.0) -> None:
        self.requests: list[Offsets] = []
        self.slow = slow

    async def commit(self, _consumer: object, offsets: Offsets) -> None:
        await asyncio.sleep(self.slow)
        self.requests.append(dict(offsets))


async def test_batches_applied_between_two_commits_go_in_one_request() -> None:
    broker = Broker()
    committer = Committer(None, commit=broker.commit, interval=60)
    for offset in range(1, 21):
        committer.add({"p0": offset, "p1": offset * 10} if offset % 2 else {"p0": offset})
        await asyncio.sleep(0)  # the commit task runs between batches
    await committer.flush()
    # the first batch's commit goes at once; the 19 after it wait for the interval together
    assert broker.requests == [{"p0": 1, "p1": 10}, {"p0": 20, "p1": 190}]


async def test_flush_commits_at_once_instead_of_waiting_out_the_interval() -> None:
    broker = Broker()
    committer = Committer(None, commit=broker.commit, interval=60)
    committer.add({"p0": 1})
    await asyncio.sleep(0.01)  # the first commit goes at once
    committer.add({"p0": 2})  # the next one would wait a minute
    await asyncio.wait_for(committer.flush(), 1)
    assert broker.requests == [{"p0": 1}, {"p0": 2}]


async def test_flush_waits_for_a_commit_in_flight() -> None:
    broker = Broker(slow=0.1)
    committer = Committer(None, commit=broker.commit, interval=0)
    committer.add({"p0": 5})
    await asyncio.sleep(0.01)
    await committer.flush()
    assert broker.requests == [{"p0": 5}]


async def test_a_failed_commit_is_logged_and_the_next_one_still_goes() -> None:
    calls: list[Offsets] = []

    async def flaky(_consumer: object, offsets: Offsets) -> None:
        calls.append(dict(offsets))
        if len(calls) == 1:
            raise RuntimeError("consumer closing")

    committer = Committer(None, commit=flaky, interval=0)
    committer.add({"p0": 1})
    await asyncio.sleep(0.01)
    committer.add({"p0": 2})
    await committer.flush()
    assert calls == [{"p0": 1}, {"p0": 2}]
