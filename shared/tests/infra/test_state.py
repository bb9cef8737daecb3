import subprocess
from pathlib import Path

import pytest

from claimflow_shared.testing.infra.cli import down, main, up
from claimflow_shared.testing.infra.state import (
    InfraState,
    Started,
    env_path,
    load_state,
    parse_env,
    render_env,
    save_state,
)


class TestEnvFile:
    def test_values_survive_a_round_trip(self) -> None:
        env = {"DATABASE_URL": "postgresql+asyncpg://postgres@/db?host=/tmp/a b", "X": "it's"}

        assert parse_env(render_env(env)) == env

    def test_a_shell_can_source_it(self, tmp_path: Path) -> None:
        url = "postgresql+asyncpg://postgres@/postgres?host=/tmp/pg&port=5432"
        path = tmp_path / "infra.env"
        path.write_text(render_env({"DATABASE_URL": url}))

        printed = subprocess.run(
            ["sh", "-c", f'. "{path}" && printf %s "$DATABASE_URL"'],
            capture_output=True,
            text=True,
            check=True,
        ).stdout

        assert printed == url


class TestStateFile:
    def test_what_up_started_is_read_back(self, tmp_path: Path) -> None:
        state = InfraState(
            kafka=Started(home="/x/kafka", pid=12),
            postgres=None,
            env={"KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:1"},
        )

        save_state(tmp_path, state)

        assert load_state(tmp_path) == state
        assert parse_env(env_path(tmp_path).read_text()) == state.env

    def test_an_empty_folder_has_an_empty_state(self, tmp_path: Path) -> None:
        assert load_state(tmp_path) == InfraState()


class TestGivenEnvironment:
    async def test_up_uses_given_addresses_and_starts_nothing(self, tmp_path: Path) -> None:
        environ = {"KAFKA_BOOTSTRAP_SERVERS": "kafka:9092", "DATABASE_URL": "postgresql://h/d"}

        lines = await up(state_dir=tmp_path, kafka=True, postgres=True, environ=environ)

        assert parse_env(env_path(tmp_path).read_text()) == environ
        assert load_state(tmp_path).kafka is None
        assert load_state(tmp_path).postgres is None
        assert not (tmp_path / "kafka").exists()
        assert any("started nothing" in line for line in lines)

    async def test_down_without_started_services_stops_nothing(self, tmp_path: Path) -> None:
        await up(
            state_dir=tmp_path,
            kafka=True,
            postgres=False,
            environ={"KAFKA_BOOTSTRAP_SERVERS": "k:1"},
        )

        assert await down(state_dir=tmp_path) == ["nothing to stop"]
        assert not env_path(tmp_path).exists()

    def test_env_command_prints_the_file(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        env_path(tmp_path).write_text(render_env({"KAFKA_BOOTSTRAP_SERVERS": "k:1"}))

        assert main(["env", "--state-dir", str(tmp_path)]) == 0
        assert capsys.readouterr().out == "export KAFKA_BOOTSTRAP_SERVERS=k:1\n"

    def test_env_command_fails_before_up(self, tmp_path: Path) -> None:
        assert main(["env", "--state-dir", str(tmp_path)]) == 1
