"""The `claimflow` command: run the system, manage keys, dead letters and migrations."""

from __future__ import annotations

import asyncio
import signal
import uuid
from pathlib import Path
from typing import Annotated

import typer

from claimflow.catalog_cli import catalog
from claimflow.docs import docs as docs_command
from claimflow.services import definition, definitions
from claimflow_shared.auth.keys import Role
from claimflow_shared.collector import freeze_startup_heap, serve_with_fewer_collections
from claimflow_shared.logs import configure_logging

app = typer.Typer(help="claimflow: US medical billing backend", no_args_is_help=True)
keys = typer.Typer(help="Create, list and revoke API keys", no_args_is_help=True)
dlq = typer.Typer(help="List and replay dead letters", no_args_is_help=True)
app.add_typer(keys, name="keys")
app.add_typer(dlq, name="dlq")
app.add_typer(catalog, name="catalog")
app.command("docs")(docs_command)

DataDir = Annotated[Path, typer.Option(help="Where the embedded mode keeps its data")]


def _database_urls() -> list[str]:
    urls = [d.settings_type().database_url for d in definitions().values()]
    if not all(urls):
        raise typer.BadParameter("set DATABASE_URL (or each service's <PREFIX>DATABASE_URL)")
    return urls


@app.command()
def run(data_dir: DataDir = Path(".data"), log_level: str = "INFO") -> None:
    """Start all four services in this process (embedded PostgreSQL, in-process bus)."""
    from claimflow import embedded

    configure_logging(log_level)
    serve_with_fewer_collections()
    try:
        asyncio.run(embedded.run(data_dir.resolve()))
    finally:
        # Ctrl-C reaches this process both from the terminal and forwarded by `uv run`;
        # the second one must not interrupt PostgreSQL's shutdown at exit.
        signal.signal(signal.SIGINT, signal.SIG_IGN)


@app.command()
def api(service: str, host: str = "127.0.0.1", port: int = 0) -> None:
    """Serve one service's HTTP API (distributed mode)."""
    import uvicorn

    chosen = definition(service)
    settings = chosen.settings_type()
    configure_logging(settings.log_level)
    from claimflow_shared.http.app import build_app

    built = build_app(chosen, settings)
    serve_with_fewer_collections()
    freeze_startup_heap()
    uvicorn.run(
        built,
        host=host,
        port=port or settings.port,
        log_config=None,
        access_log=False,
    )


@app.command()
def worker(service: str) -> None:
    """Run one service's consumers and outbox relay (distributed mode)."""
    import uvloop

    from claimflow_shared.worker import serve_worker

    chosen = definition(service)
    settings = chosen.settings_type()
    configure_logging(settings.log_level)
    serve_with_fewer_collections()
    # the APIs run on uvloop (uvicorn picks it); workers too: less CPU per socket and timer
    uvloop.run(serve_worker(chosen, settings))


@app.command("migrate")
def migrate_command(service: Annotated[list[str] | None, typer.Argument()] = None) -> None:
    """Create the services' databases if needed and apply their migrations."""
    from claimflow.provisioning import migrate

    async def go() -> None:
        for name in service or list(definitions()):
            chosen = definition(name)
            await migrate(chosen, chosen.settings_type().database_url)
            typer.echo(f"{name}: migrated")

    asyncio.run(go())


@keys.command("create")
def create_key(
    tenant: Annotated[str, typer.Option(help="Tenant the key acts for")],
    role: Annotated[list[Role], typer.Option(help="Role(s): submitter, payer, ops, admin")],
    name: Annotated[str, typer.Option(help="A label for the key")] = "",
) -> None:
    """Issue a key; the secret is printed once and only its hash is stored."""
    from claimflow.provisioning import create_key as issue

    key = asyncio.run(
        issue(_database_urls(), tenant_id=tenant, roles=tuple(role), name=name or tenant)
    )
    typer.echo(
        f"id:     {key.id}\ntenant: {key.tenant_id}\nroles:  "
        f"{', '.join(r.value for r in key.roles)}\nsecret: {key.secret}"
    )


@keys.command("revoke")
def revoke_key(key_id: uuid.UUID) -> None:
    """Revoke a key in every service."""
    from claimflow.provisioning import revoke

    count = asyncio.run(revoke(_database_urls(), key_id))
    if not count:
        typer.echo(f"no live key {key_id}", err=True)
        raise typer.Exit(1)
    typer.echo(f"revoked {key_id} in {count} service databases")


@keys.command("list")
def list_keys() -> None:
    """List the keys of the first service database (all hold the same keys)."""
    from claimflow_shared.auth.keys import list_keys as rows
    from claimflow_shared.db import connect

    async def go() -> None:
        database = connect(_database_urls()[0], pool_size=1)
        try:
            async with database.session() as session:
                for key in await rows(session):
                    state = "revoked" if key.revoked_at else "live"
                    typer.echo(
                        f"{key.id}  {key.prefix}…  {key.tenant_id:<16} "
                        f"{','.join(key.roles):<28} {state}  {key.name}"
                    )
        finally:
            await database.dispose()

    asyncio.run(go())


def _kafka_bus() -> object:
    import os

    from claimflow_shared.bus.kafka import KafkaBus

    servers = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    if not servers:
        raise typer.BadParameter("set KAFKA_BOOTSTRAP_SERVERS: dead letters live on the broker")
    return KafkaBus(
        bootstrap_servers=servers,
        client_id="claimflow-cli",
        namespace=os.environ.get("KAFKA_NAMESPACE", ""),
    )


@dlq.command("list")
def dlq_list(
    topic: Annotated[str, typer.Argument(help="The source topic, e.g. claims.events")],
) -> None:
    """Show the dead letters parked beside TOPIC."""
    from claimflow_shared.messaging.dead_letters import list_dead_letters

    letters = asyncio.run(list_dead_letters(_kafka_bus(), topic))  # type: ignore[arg-type]
    for letter in letters:
        typer.echo(
            f"{letter.partition}:{letter.offset}  {letter.event_type}  id={letter.event_id}"
            f"  consumer={letter.consumer}  at={letter.failed_at}\n    {letter.error}"
        )
    typer.echo(f"{len(letters)} dead letters on {topic}.dlq")


@dlq.command("replay")
def dlq_replay(
    topic: Annotated[str, typer.Argument(help="The source topic, e.g. claims.events")],
    event_id: Annotated[list[str] | None, typer.Option(help="Only these event ids")] = None,
) -> None:
    """Send dead letters back to TOPIC; consumers that applied them already skip them."""
    from claimflow_shared.messaging.dead_letters import list_dead_letters, replay

    async def go() -> int:
        bus = _kafka_bus()
        letters = await list_dead_letters(bus, topic)  # type: ignore[arg-type]
        chosen = [x for x in letters if not event_id or x.event_id in event_id]
        count = await replay(bus, chosen)  # type: ignore[arg-type]
        await bus.stop()  # type: ignore[attr-defined]
        return count

    typer.echo(f"replayed {asyncio.run(go())} dead letters to {topic}")


def main() -> None:
    """Entry point of the `claimflow` script."""
    app()


if __name__ == "__main__":
    main()
