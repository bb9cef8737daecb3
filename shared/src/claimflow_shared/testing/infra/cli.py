"""`python -m claimflow_shared.testing.infra up|down|env --state-dir DIR`."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from claimflow_shared.testing.infra.kafka import KafkaBroker
from claimflow_shared.testing.infra.postgres import PostgresServer
from claimflow_shared.testing.infra.state import (
    DATABASE_ENV,
    KAFKA_ENV,
    InfraState,
    Started,
    clear_state,
    env_path,
    load_state,
    save_state,
)


def kafka_home(state_dir: Path) -> Path:
    """Return the folder of the broker `up` starts in `state_dir`."""
    return state_dir / "kafka"


def postgres_home(state_dir: Path) -> Path:
    """Return the data folder of the PostgreSQL server `up` starts in `state_dir`."""
    return state_dir / "pg"


def use_given(
    *, state: InfraState, environ: Mapping[str, str], name: str, service: str
) -> list[str] | None:
    """Publish an address the environment already sets, or return None when it sets none."""
    given = environ.get(name)
    if not given:
        return None
    state.env[name] = given
    return [f"{service}: using {name} from the environment; started nothing"]


async def provide_kafka(
    *, state: InfraState, state_dir: Path, environ: Mapping[str, str]
) -> list[str]:
    """Use KAFKA_BOOTSTRAP_SERVERS if set, else start (or keep) the local broker."""
    given = use_given(state=state, environ=environ, name=KAFKA_ENV, service="kafka")
    if given is not None:
        return given
    broker = KafkaBroker(kafka_home(state_dir))
    began = time.monotonic()
    verb = "already running"
    if not broker.running:
        await broker.start()
        verb = f"started in {time.monotonic() - began:.1f} s"
    state.kafka = Started(home=str(broker.home), pid=broker.pid)
    state.env[KAFKA_ENV] = broker.bootstrap_servers
    return [
        f"kafka: Apache Kafka {broker.version} at {broker.bootstrap_servers} "
        f"(pid {broker.pid}) {verb}",
        f"kafka: {broker.version_line}",
        f"kafka: log {broker.log_path}",
    ]


async def provide_postgres(
    *, state: InfraState, state_dir: Path, environ: Mapping[str, str]
) -> list[str]:
    """Use DATABASE_URL if set, else start (or keep) the local pgserver."""
    given = use_given(state=state, environ=environ, name=DATABASE_ENV, service="postgres")
    if given is not None:
        return given
    server = PostgresServer(postgres_home(state_dir))
    was_running = server.pid is not None
    began = time.monotonic()
    await server.start()
    verb = "already running" if was_running else f"started in {time.monotonic() - began:.1f} s"
    state.postgres = Started(home=str(server.pgdata), pid=server.pid)
    state.env[DATABASE_ENV] = server.url
    return [f"postgres: {server.url} (pid {server.pid}) {verb}"]


async def up(
    *, state_dir: Path, kafka: bool, postgres: bool, environ: Mapping[str, str]
) -> list[str]:
    """Start what is asked, record it in `state_dir` and write the env file."""
    state = load_state(state_dir)
    lines: list[str] = []
    if kafka:
        lines += await provide_kafka(state=state, state_dir=state_dir, environ=environ)
    if postgres:
        lines += await provide_postgres(state=state, state_dir=state_dir, environ=environ)
    save_state(state_dir, state)
    return [*lines, f"env: {env_path(state_dir)}"]


async def down(*, state_dir: Path) -> list[str]:
    """Stop only what `up` started in `state_dir`, keeping the data for a later `up`."""
    state = load_state(state_dir)
    lines: list[str] = []
    if state.kafka is not None:
        await KafkaBroker(Path(state.kafka.home)).stop()
        lines.append(f"kafka: stopped (data kept in {state.kafka.home})")
    if state.postgres is not None:
        await PostgresServer(Path(state.postgres.home)).stop()
        lines.append(f"postgres: stopped (data kept in {state.postgres.home})")
    clear_state(state_dir)
    return lines or ["nothing to stop"]


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the infra CLI."""
    parser = argparse.ArgumentParser(prog="python -m claimflow_shared.testing.infra")
    commands = parser.add_subparsers(dest="command", required=True)
    start = commands.add_parser("up", help="start Kafka and/or PostgreSQL (both by default)")
    start.add_argument("--kafka", action="store_true", help="start the Kafka broker")
    start.add_argument("--postgres", action="store_true", help="start PostgreSQL")
    for name, text in (("up", None), ("down", "stop what up started"), ("env", "print env file")):
        command = start if name == "up" else commands.add_parser(name, help=text)
        command.add_argument("--state-dir", type=Path, required=True)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI and return its exit status."""
    args = build_parser().parse_args(argv)
    state_dir: Path = args.state_dir.resolve()
    if args.command == "env":
        path = env_path(state_dir)
        if not path.is_file():
            print(f"no env file at {path}; run `up` first", file=sys.stderr)
            return 1
        print(path.read_text(), end="")
        return 0
    if args.command == "up":
        both = not (args.kafka or args.postgres)
        lines = asyncio.run(
            up(
                state_dir=state_dir,
                kafka=args.kafka or both,
                postgres=args.postgres or both,
                environ=os.environ,
            )
        )
    else:
        lines = asyncio.run(down(state_dir=state_dir))
    print("\n".join(lines))
    return 0
