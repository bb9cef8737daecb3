"""The four service APIs served by uvicorn on loopback ports, in a thread with its own loop.

Schemathesis and the corpus tests send real HTTP from synchronous code; the apps (and their
database pools) live on the thread's event loop, as they would in a server process.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn
from fastapi import FastAPI

from claimflow_shared.http.probes import QuietServer


def _bound_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


@contextmanager
def serving(apps: dict[str, FastAPI]) -> Iterator[dict[str, str]]:
    """Serve every app (lifespan on) until the block ends; yields each app's base URL."""
    sockets = {name: _bound_socket() for name in apps}
    servers = [
        QuietServer(
            uvicorn.Config(
                app, log_config=None, access_log=False, lifespan="on", timeout_keep_alive=30
            )
        )
        for app in apps.values()
    ]

    async def run() -> None:
        await asyncio.gather(
            *(s.serve(sockets=[sock]) for s, sock in zip(servers, sockets.values(), strict=True))
        )

    thread = threading.Thread(target=asyncio.run, args=(run(),), name="live-services", daemon=True)
    thread.start()
    try:
        for server in servers:
            _wait(server, thread)
        yield {name: f"http://127.0.0.1:{sock.getsockname()[1]}" for name, sock in sockets.items()}
    finally:
        for server in servers:
            server.should_exit = True
        thread.join(timeout=30)
        for sock in sockets.values():
            sock.close()


def _wait(server: QuietServer, thread: threading.Thread) -> None:
    """Until ``server`` listens; fail if the thread died or it takes 30 s."""
    for _ in range(600):
        if server.started:
            return
        if not thread.is_alive():
            raise RuntimeError("the services' thread stopped while starting")
        time.sleep(0.05)
    raise RuntimeError("the services did not start")
