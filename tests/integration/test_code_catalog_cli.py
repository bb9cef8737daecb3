"""`claimflow catalog import`: a release per command, idempotent, malformed files refused."""

from __future__ import annotations

import asyncio
from pathlib import Path

from click.testing import Result
from typer.testing import CliRunner

from claimflow.cli import app
from claimflow_shared.testing.plugin import DatabaseFactory
from code_catalog.definition import DEFINITION
from code_catalog.testing.harness import derive_csv

HCPCS = Path("hcpcs") / "HCPC2025_OCT_ANWEB.csv"


async def test_hcpcs_imports_once_and_reports_what_changed(
    database_factory: DatabaseFactory, shared_data: Path
) -> None:
    url = await database_factory(DEFINITION)
    runner = CliRunner()
    command = ["catalog", "import", "hcpcs", str(shared_data / HCPCS), "--database-url", url]
    first = await _invoke(runner, command)
    assert first.exit_code == 0, first.output
    assert "HCPCS 2025 October (effective 2025-10-01" in first.output
    assert "8846 records, 8846 added, 0 changed, 0 terminated" in first.output
    again = await _invoke(runner, command)
    assert again.exit_code == 0
    assert "already imported from these files; nothing changed" in again.output


async def test_a_malformed_file_fails_naming_line_and_field(
    database_factory: DatabaseFactory, shared_data: Path, tmp_path: Path
) -> None:
    url = await database_factory(DEFINITION)
    bad = derive_csv(
        shared_data / HCPCS,
        tmp_path / "HCPC2025_OCT_ANWEB.csv",
        keep=lambda row: row["HCPC"] < "A5",
        changes={"A2": {"RECID": "5"}},
    )
    result = await _invoke(
        CliRunner(), ["catalog", "import", "hcpcs", str(bad), "--database-url", url]
    )
    assert result.exit_code == 1
    assert "line 3, field 'RECID': expected 3, 4, 7 or 8" in result.output


async def test_an_unknown_kind_is_refused() -> None:
    result = await _invoke(CliRunner(), ["catalog", "import", "snomed", "x.csv"])
    assert result.exit_code != 0
    assert "unknown kind 'snomed'" in result.output


async def _invoke(runner: CliRunner, args: list[str]) -> Result:
    """Run the command in a thread: it runs its own event loop."""
    return await asyncio.to_thread(runner.invoke, app, args)
