"""`claimflow docs`: regenerate the AsyncAPI and OpenAPI documents under docs/."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

ASYNCAPI = Path("asyncapi.yaml")
REGENERATE = "run `uv run claimflow docs` and commit the result"


def openapi_path(service: str) -> Path:
    """Where a service's OpenAPI document lives, relative to docs/."""
    return Path("openapi") / f"{service}.json"


def asyncapi_text() -> str:
    """The AsyncAPI document of every registered event contract."""
    from claimflow_shared.events.asyncapi import build_asyncapi, render_asyncapi

    return render_asyncapi(build_asyncapi())


def openapi_text(service: str) -> str:
    """A service's OpenAPI document, as its app serves it at /openapi.json."""
    from claimflow.services import definition
    from claimflow_shared.http.app import build_app

    document = build_app(definition(service)).openapi()
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def documents() -> dict[Path, str]:
    """Every generated document by its path under docs/."""
    from claimflow.services import definitions

    generated = {ASYNCAPI: asyncapi_text()}
    generated.update({openapi_path(name): openapi_text(name) for name in definitions()})
    return generated


def stale(out: Path, generated: dict[Path, str]) -> list[Path]:
    """The documents under ``out`` that are missing or differ from ``generated``."""
    return [
        path
        for path, text in generated.items()
        if not (out / path).is_file() or (out / path).read_text() != text
    ]


def docs(
    out: Annotated[Path, typer.Option(help="The docs folder to write into")] = Path("docs"),
    check: Annotated[bool, typer.Option(help="Only report stale documents")] = False,
) -> None:
    """Regenerate docs/asyncapi.yaml and docs/openapi/<service>.json from the code."""
    generated = documents()
    outdated = stale(out, generated)
    if check:
        for path in outdated:
            typer.echo(f"{out / path} is stale: {REGENERATE}", err=True)
        raise typer.Exit(1 if outdated else 0)
    for path in outdated:
        (out / path).parent.mkdir(parents=True, exist_ok=True)
        (out / path).write_text(generated[path])
        typer.echo(f"wrote {out / path}")
    typer.echo(f"{len(generated) - len(outdated)} of {len(generated)} documents were current")
