"""A worker's own small HTTP server: /health, /ready and /metrics for probes and scrapes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn
from fastapi import FastAPI

from claimflow_shared.http.app import health
from claimflow_shared.runtime import Runtime


class QuietServer(uvicorn.Server):
    """A uvicorn server that leaves signal handling to its host process."""

    @contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def probe_app(runtime: Runtime) -> FastAPI:
    """The probe endpoints over a worker's runtime."""
    app = FastAPI(title=f"claimflow {runtime.telemetry.service_name} worker", openapi_url=None)
    app.state.runtime = runtime
    app.include_router(health)
    return app


def probe_server(runtime: Runtime, *, host: str, port: int) -> QuietServer:
    """A server for the probe endpoints on ``host:port``."""
    config = uvicorn.Config(
        probe_app(runtime), host=host, port=port, log_config=None, access_log=False, lifespan="off"
    )
    return QuietServer(config)
