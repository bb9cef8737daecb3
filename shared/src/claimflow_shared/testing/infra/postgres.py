"""A private PostgreSQL server from the `pgserver` package, reachable on a unix socket."""

from __future__ import annotations

import asyncio
import signal
import warnings
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from claimflow_shared.testing.infra import processes

if TYPE_CHECKING:
    from pgserver.postgres_server import PostgresServer as PgServerHandle

SUPERUSER = "postgres"
DEFAULT_PORT = 5432


def _quote_identifier(name: str) -> str:
    """Quote a database name for use in DDL."""
    return '"' + name.replace('"', '""') + '"'


def _read_postmaster_pid(pgdata: Path) -> int | None:
    """Return the postmaster's pid from postmaster.pid, or None when the file is absent."""
    try:
        first_line = (pgdata / "postmaster.pid").read_text().splitlines()[0]
    except (FileNotFoundError, IndexError):
        return None
    try:
        return int(first_line.strip())
    except ValueError:
        return None


def _open_server(pgdata: Path) -> PgServerHandle:
    """Start (or join) the pgserver instance for `pgdata`, leaving it running at exit."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from pgserver.postgres_server import get_server

    handle = get_server(pgdata, cleanup_mode=None)
    pid = _read_postmaster_pid(pgdata)
    if pid is None or not processes.pid_alive(pid):
        handle.ensure_postgres_running()
    return handle


class PostgresServer:
    """A PostgreSQL server whose data folder is `pgdata` and that listens only on a socket."""

    def __init__(self, pgdata: Path) -> None:
        self.pgdata = pgdata.resolve()
        self._socket_dir: Path | None = None
        self._port = DEFAULT_PORT

    @property
    def socket_dir(self) -> Path:
        """Return the folder holding the server's unix socket."""
        if self._socket_dir is None:
            raise RuntimeError("the PostgreSQL server has not been started")
        return self._socket_dir

    @property
    def pid(self) -> int | None:
        """Return the postmaster's pid while it runs, else None."""
        pid = _read_postmaster_pid(self.pgdata)
        return pid if pid is not None and processes.pid_alive(pid) else None

    @property
    def url(self) -> str:
        """Return the SQLAlchemy asyncpg URL of the `postgres` database."""
        return self.url_for(SUPERUSER)

    @property
    def libpq_uri(self) -> str:
        """Return the plain libpq URI of the `postgres` database."""
        return self.libpq_uri_for(SUPERUSER)

    def _query(self) -> str:
        """Return the query string that points a client at the socket."""
        port = "" if self._port == DEFAULT_PORT else f"&port={self._port}"
        return f"host={quote(str(self.socket_dir), safe='/')}{port}"

    def url_for(self, database: str) -> str:
        """Return the SQLAlchemy asyncpg URL of `database` on this server."""
        return f"postgresql+asyncpg://{SUPERUSER}@/{quote(database, safe='')}?{self._query()}"

    def libpq_uri_for(self, database: str) -> str:
        """Return the libpq URI of `database` on this server."""
        return f"postgresql://{SUPERUSER}@/{quote(database, safe='')}?{self._query()}"

    def _start_blocking(self) -> None:
        """Create the cluster on first use and make sure its server runs."""
        self.pgdata.parent.mkdir(parents=True, exist_ok=True)
        info = _open_server(self.pgdata).get_postmaster_info()
        if info.socket_dir is None:
            raise RuntimeError(f"pgserver in {self.pgdata} reports no unix socket")
        self._socket_dir = Path(info.socket_dir)
        self._port = info.port or DEFAULT_PORT

    async def start(self) -> None:
        """Start the server (initialising `pgdata` the first time) and wait until it is ready."""
        await asyncio.to_thread(self._start_blocking)

    async def stop(self, *, grace: float = 30.0) -> None:
        """Shut the server down (fast mode: open sessions are ended), keeping its data."""
        pid = self.pid
        if pid is not None:
            await processes.terminate(pid, grace=grace, signum=signal.SIGINT)

    async def _execute(self, statement: str) -> list[str]:
        """Run one statement outside a transaction on `postgres`; return first-column values."""
        engine = create_async_engine(self.url, isolation_level="AUTOCOMMIT")
        try:
            async with engine.connect() as connection:
                result = await connection.execute(text(statement))
                return [str(row[0]) for row in result] if result.returns_rows else []
        finally:
            await engine.dispose()

    async def databases(self) -> list[str]:
        """Return the names of the databases that accept connections."""
        return await self._execute("SELECT datname FROM pg_database WHERE datallowconn")

    async def create_database(self, name: str) -> str:
        """Create database `name` and return its SQLAlchemy URL."""
        await self._execute(f"CREATE DATABASE {_quote_identifier(name)}")
        return self.url_for(name)

    async def drop_database(self, name: str) -> None:
        """Drop database `name` if it exists, ending any session still connected to it."""
        await self._execute(f"DROP DATABASE IF EXISTS {_quote_identifier(name)} WITH (FORCE)")


async def start_postgres(pgdata: Path) -> PostgresServer:
    """Start a private PostgreSQL server in `pgdata` and return it once it is ready."""
    server = PostgresServer(pgdata)
    await server.start()
    return server
