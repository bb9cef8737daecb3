import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from claimflow_shared.testing.infra import processes
from claimflow_shared.testing.infra.kafka import metadata_answers
from claimflow_shared.testing.infra.maven import KAFKA_VERSION
from claimflow_shared.testing.infra.state import load_state, parse_env

pytestmark = [pytest.mark.integration, pytest.mark.kafka]


def infra(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the infra CLI in a fresh interpreter, without inherited service addresses."""
    environ = {
        key: value
        for key, value in os.environ.items()
        if key not in ("KAFKA_BOOTSTRAP_SERVERS", "DATABASE_URL")
    }
    return subprocess.run(
        [sys.executable, "-m", "claimflow_shared.testing.infra", *args],
        capture_output=True,
        text=True,
        env=environ,
        timeout=240,
        check=False,
    )


@pytest.fixture
def state_dir() -> Iterator[Path]:
    """Return a short state folder, and stop anything a failed test left running in it."""
    with tempfile.TemporaryDirectory(prefix="infra") as folder:
        yield Path(folder)
        infra("down", "--state-dir", folder)


async def select_one(url: str) -> object:
    """Return the result of `SELECT 1` on `url`."""
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            return (await connection.execute(text("SELECT 1"))).scalar()
    finally:
        await engine.dispose()


class TestUpAndDown:
    async def test_up_leaves_both_running_and_down_stops_them(self, state_dir: Path) -> None:
        started = infra("up", "--kafka", "--postgres", "--state-dir", str(state_dir))
        env = parse_env((state_dir / "infra.env").read_text())
        state = load_state(state_dir)

        assert started.returncode == 0, started.stderr
        assert f"Kafka version: {KAFKA_VERSION}" in started.stdout
        assert await metadata_answers(env["KAFKA_BOOTSTRAP_SERVERS"])
        assert await select_one(env["DATABASE_URL"]) == 1
        assert state.kafka is not None and state.kafka.pid is not None
        assert state.postgres is not None and state.postgres.pid is not None

        stopped = infra("down", "--state-dir", str(state_dir))

        assert stopped.returncode == 0, stopped.stderr
        assert not processes.pid_alive(state.kafka.pid)
        assert not processes.pid_alive(state.postgres.pid)
        assert not (state_dir / "infra.env").exists()

    async def test_a_second_up_keeps_the_running_broker(self, state_dir: Path) -> None:
        first = infra("up", "--kafka", "--state-dir", str(state_dir))
        first_state = load_state(state_dir)
        second = infra("up", "--kafka", "--state-dir", str(state_dir))

        assert first.returncode == 0, first.stderr
        assert second.returncode == 0, second.stderr
        assert "already running" in second.stdout
        assert first_state.kafka is not None
        assert load_state(state_dir).kafka == first_state.kafka
