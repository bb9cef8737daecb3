"""The benchmark charges the servers it runs against, found from its own connections, and no
other process that merely names them."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator

import pytest
from sqlalchemy import text

from claimflow_shared.db import connect
from tests.bench_modules import bench_module

servers = bench_module("servers")

SLEEP = "import time; time.sleep(60)"
PARENT = (
    "import subprocess, sys, time\n"
    f"child = subprocess.Popen([sys.executable, '-c', {SLEEP!r}])\n"
    "print(child.pid, flush=True)\n"
    "time.sleep(60)\n"
)
LISTENER = (
    "import socket, time\n"
    "s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen()\n"
    "print(s.getsockname()[1], flush=True)\n"
    "time.sleep(60)\n"
)


def started(script: str, *argv: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", script, *argv], stdout=subprocess.PIPE, text=True
    )


def first_line(process: subprocess.Popen[str]) -> int:
    assert process.stdout is not None
    return int(process.stdout.readline())


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen[str]]]:
    running: list[subprocess.Popen[str]] = []
    yield running
    for process in running:
        process.kill()
        process.wait()


def test_a_servers_processes_are_it_and_what_it_started(
    processes: list[subprocess.Popen[str]],
) -> None:
    server = started(PARENT, "postgres")
    bystander = started(SLEEP, "postgres", "kafka.Kafka")
    processes += [server, bystander]
    child = first_line(server)
    found = servers.server_processes(server.pid)
    assert sorted(found) == sorted([server.pid, child])
    assert bystander.pid not in found, "naming the server does not make a process one of it"
    os.kill(child, signal.SIGKILL)
    server.kill()
    server.wait()
    assert servers.server_processes(server.pid) == []


def test_the_broker_is_the_process_listening_on_the_bootstrap_address(
    processes: list[subprocess.Popen[str]],
) -> None:
    listener = started(LISTENER)
    processes.append(listener)
    port = first_line(listener)
    assert servers.listener_of(f"127.0.0.1:{port}") == listener.pid
    assert servers.listener_of(f"localhost:{port}, 192.0.2.10:9092") == listener.pid
    listener.kill()
    listener.wait()
    assert servers.listener_of(f"127.0.0.1:{port}") is None


def test_a_server_on_another_machine_has_no_process_here() -> None:
    assert servers.listener_of("192.0.2.10:9092") is None
    assert servers.postmaster_of_backend(os.getpid()) is None, "not a PostgreSQL backend"


@pytest.mark.integration
async def test_postgresql_is_the_postmaster_behind_a_connection(postgres_url: str) -> None:
    postmaster = await servers.postmaster_of(postgres_url)
    assert postmaster is not None
    database = connect(postgres_url, pool_size=1)
    try:
        async with database.session() as session:
            backend = await session.scalar(text("SELECT pg_backend_pid()"))
            assert backend in servers.server_processes(postmaster)
    finally:
        await database.dispose()
