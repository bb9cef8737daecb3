"""Which processes on this machine are the servers a benchmark runs against.

The CPU and scheduler figures charge PostgreSQL and the broker with their processes. Found by
a name in their command lines, they would take in every other server on the machine as well
(a `make run`, the tests' servers, another benchmark) and anything else that names them. So
the servers are found from the benchmark's own connections instead: PostgreSQL's postmaster
is the parent of the backend serving a connection, and the broker is the process listening
on the bootstrap address. A server on another machine has no process here and no figure.
"""

from __future__ import annotations

import ipaddress
import socket

import psutil
from sqlalchemy import text

from claimflow_shared.db import connect

LOCAL_NAMES = frozenset({"localhost", "127.0.0.1", "::1", "0.0.0.0", "::"})


async def postmaster_of(url: str) -> int | None:
    """The pid of the postmaster serving ``url``, when it runs on this machine."""
    database = connect(url, pool_size=1)
    try:
        async with database.session() as session:
            backend = int(await session.scalar(text("SELECT pg_backend_pid()")))
            return postmaster_of_backend(backend)
    finally:
        await database.dispose()


def postmaster_of_backend(backend: int) -> int | None:
    """The parent of ``backend`` if both are PostgreSQL processes of this machine (a pid
    reported by a server elsewhere may name an unrelated local process)."""
    try:
        process = psutil.Process(backend)
        parent = process.parent()
        if parent is None or not (_is_postgres(process) and _is_postgres(parent)):
            return None
        return int(parent.pid)
    except psutil.Error:
        return None


def _is_postgres(process: psutil.Process) -> bool:
    return "postgres" in process.name() or any("postgres" in part for part in process.cmdline())


def server_processes(root: int) -> list[int]:
    """``root`` and every process it started, at this moment (backends come and go)."""
    try:
        process = psutil.Process(root)
        return [root, *(child.pid for child in process.children(recursive=True))]
    except psutil.NoSuchProcess:
        return []


def listener_of(address: str) -> int | None:
    """The pid of the process listening on ``address`` (``host:port``, the first of a
    comma-separated list), when the host is a loopback address of this machine."""
    host, _, port = address.split(",")[0].strip().rpartition(":")
    host = host.strip("[]")
    if not _is_local(host):
        return None
    for connection in psutil.net_connections(kind="tcp"):
        if (
            connection.status == psutil.CONN_LISTEN
            and connection.laddr
            and connection.laddr.port == int(port)
            and connection.pid is not None
        ):
            return int(connection.pid)
    return None


def _is_local(host: str) -> bool:
    if host in LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(socket.gethostbyname(host)).is_loopback
    except (OSError, ValueError):
        return False
