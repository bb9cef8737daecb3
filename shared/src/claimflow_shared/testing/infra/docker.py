"""Whether a Docker engine is reachable, for callers that could use containers instead."""

from __future__ import annotations

import os
import socket
from urllib.parse import urlsplit

DEFAULT_DOCKER_HOST = "unix:///var/run/docker.sock"
PING = b"GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n"


def _connect(docker_host: str, timeout: float) -> socket.socket | None:
    """Open a socket to the engine named by a DOCKER_HOST value, or None when unsupported."""
    parts = urlsplit(docker_host)
    if parts.scheme == "unix":
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(timeout)
        try:
            sock.connect(parts.path)
        except OSError:
            sock.close()
            raise
        return sock
    if parts.scheme == "tcp" and parts.hostname:
        return socket.create_connection((parts.hostname, parts.port or 2375), timeout=timeout)
    return None


def docker_available(*, timeout: float = 1.0) -> bool:
    """Tell whether a Docker engine answers its ping on DOCKER_HOST or the default socket."""
    docker_host = os.environ.get("DOCKER_HOST") or DEFAULT_DOCKER_HOST
    try:
        sock = _connect(docker_host, timeout)
        if sock is None:
            return False
        with sock:
            sock.sendall(PING)
            reply = sock.recv(4096)
    except OSError:
        return False
    return reply.startswith(b"HTTP/") and b" 200 " in reply.split(b"\r\n", 1)[0]
