"""Killing workers: at the fault hooks' pauses (mid-batch) and at seeded random moments."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tests.integration.cluster import Cluster


@dataclass(frozen=True)
class Kill:
    """One SIGKILL: when (seconds into the run), which worker, and what it was doing."""

    at: float
    worker: str
    moment: str


@dataclass
class Chaos:
    """Kills workers of ``cluster`` with SIGKILL and starts them again."""

    cluster: Cluster
    rng: random.Random
    started: float = field(default_factory=time.monotonic)
    kills: list[Kill] = field(default_factory=list)

    async def kill_and_restart(self, name: str, moment: str, *, down: float = 0.0) -> None:
        """SIGKILL the worker, leave it dead ``down`` seconds, start it again."""
        await asyncio.to_thread(self.cluster.workers[name].kill)
        self.kills.append(Kill(round(time.monotonic() - self.started, 1), name, moment))
        await asyncio.sleep(down)
        self.cluster.restart(name)

    async def at_pauses(self, markers: dict[str, Path], *, timeout: float = 120) -> None:
        """Kill each worker once its fault hook announced the pause in its marker file."""
        waiting = dict(markers)
        async with asyncio.timeout(timeout):
            while waiting:
                for name, marker in list(waiting.items()):
                    if marker.exists():
                        note = marker.read_text().strip()
                        await self.kill_and_restart(name, f"paused before commit ({note})")
                        del waiting[name]
                await asyncio.sleep(0.05)

    async def at_random(
        self, names: Sequence[str], *, rounds: int, gap: tuple[float, float]
    ) -> None:
        """Kill every named worker ``rounds`` times, in seeded random order and moments."""
        for _ in range(rounds):
            order = list(names)
            self.rng.shuffle(order)
            for name in order:
                await asyncio.sleep(self.rng.uniform(*gap))
                await self.kill_and_restart(name, "random moment", down=self.rng.uniform(0.1, 1.0))
