"""`claimflow catalog`: import code sets, edit tables and fee schedules into the code catalog."""

from __future__ import annotations

import asyncio
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from claimflow_shared.errors import AppError
from code_catalog.imports.kinds import ImportKind
from code_catalog.imports.service import ImportOutcome, ImportRequest

catalog = typer.Typer(
    help="Import code sets and edit tables into the code catalog", no_args_is_help=True
)

KINDS = ("hcpcs", "icd10cm", "pos", "cpt", "ncci", "mue", "addon", "rvu", "gpci")
TEXT_SUFFIXES = (".csv", ".txt")


def _database_url(given: str | None, data_dir: Path) -> str:
    """The catalog database: as given, from the environment, or the embedded one under data_dir."""
    from code_catalog.settings import CatalogSettings

    url = given or CatalogSettings().database_url
    if url:
        return url
    from claimflow.embedded import start_private_postgres
    from claimflow_shared.settings import database_url_for

    return database_url_for(start_private_postgres(data_dir.resolve() / "pg"), "codecatalog")


def _expected_lines(files: list[Path]) -> int | None:
    """A cheap estimate of the records to come: the lines of text files (None for others)."""
    if not files or any(path.suffix.lower() not in TEXT_SUFFIXES for path in files):
        return None
    total = 0
    for path in files:
        with path.open("rb") as stream:
            total += sum(chunk.count(b"\n") for chunk in iter(lambda: stream.read(1 << 20), b""))
    return total


async def _import(url: str, request: ImportRequest, files: list[Path]) -> ImportOutcome:
    """Migrate the catalog database if needed, then import one release with a progress bar."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from claimflow.provisioning import migrate
    from code_catalog.definition import DEFINITION
    from code_catalog.imports.runner import run_import

    await migrate(DEFINITION, url)
    columns = ("{task.description}", BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, transient=False) as progress:
        task = progress.add_task(f"{request.kind} records", total=_expected_lines(files))
        outcome = await run_import(url, request, lambda n: progress.advance(task, n))
        progress.update(task, total=progress.tasks[0].completed)
    return outcome


@catalog.command("import")
def import_release(
    kind: Annotated[str, typer.Argument(help=f"One of: {', '.join(KINDS)}")],
    files: Annotated[list[Path] | None, typer.Argument(help="The file(s) of one release")] = None,
    file_format: Annotated[
        str | None,
        typer.Option("--format", help="hcpcs: csv, xlsx or fixed; icd10cm: tabular or order"),
    ] = None,
    tabular: Annotated[
        bool, typer.Option(help="icd10cm: the tabular list the simple_icd_10_cm package carries")
    ] = False,
    version: Annotated[
        str | None, typer.Option(help="Release version, if the name lacks it")
    ] = None,
    effective: Annotated[
        str | None, typer.Option(help="Effective date YYYY-MM-DD, if the name lacks it")
    ] = None,
    database_url: Annotated[str | None, typer.Option(help="The catalog database")] = None,
    data_dir: Annotated[Path, typer.Option(help="Embedded data, when no database is set")] = Path(
        ".data"
    ),
) -> None:
    """Import one release: idempotent, in one transaction, announced as CodeSetReleased."""
    if kind not in KINDS:
        raise typer.BadParameter(f"unknown kind {kind!r}; choose one of {', '.join(KINDS)}")
    chosen = [] if tabular else list(files or [])
    try:
        request = ImportRequest(
            kind=ImportKind(kind),
            files=tuple(chosen),
            file_format="tabular" if tabular else file_format,
            version=version,
            effective=date.fromisoformat(effective) if effective else None,
        )
        outcome = asyncio.run(_import(_database_url(database_url, data_dir), request, chosen))
    except (AppError, ValueError) as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(1) from None
    if outcome.unchanged:
        typer.echo(f"{outcome.label} was already imported from these files; nothing changed")
        return
    counts = outcome.counts
    typer.echo(
        f"{outcome.label} (effective {outcome.effective_date}, release {outcome.release_id}): "
        f"{outcome.records} records, {counts.added} added, {counts.changed} changed, "
        f"{counts.terminated} terminated"
    )
