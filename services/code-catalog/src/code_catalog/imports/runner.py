"""The command-line edge of an import: its own database connection, one transaction a release."""

from __future__ import annotations

from claimflow_shared.db import connect
from code_catalog.imports.rows import Progress
from code_catalog.imports.service import ImportOutcome, ImportRequest, import_release


async def run_import(
    database_url: str, request: ImportRequest, progress: Progress | None = None
) -> ImportOutcome:
    """Import one release and commit it, or roll all of it back on any error."""
    database = connect(database_url, pool_size=1)
    try:
        async with database.session() as session:
            return await import_release(session=session, request=request, progress=progress)
    finally:
        await database.dispose()
