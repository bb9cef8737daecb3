import socket
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from claimflow_shared.testing.infra.docker import docker_available


def serve_once(path: Path, reply: bytes) -> threading.Thread:
    """Listen on a unix socket at `path` and answer one request with `reply`."""
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(path))
    server.listen(1)

    def answer() -> None:
        with server:
            connection, _ = server.accept()
            with connection:
                connection.recv(4096)
                connection.sendall(reply)

    thread = threading.Thread(target=answer, daemon=True)
    thread.start()
    return thread


@pytest.fixture
def socket_path() -> Iterator[Path]:
    """Return a path for a fake engine socket, short enough for AF_UNIX."""
    with tempfile.TemporaryDirectory(prefix="dk") as folder:
        yield Path(folder) / "d.sock"


class TestDockerAvailable:
    @pytest.mark.parametrize(
        ("reply", "available"),
        [
            (b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK", True),
            (b"HTTP/1.1 500 Internal Server Error\r\n\r\n", False),
        ],
    )
    def test_only_an_engine_answering_ping_with_200_is_available(
        self, socket_path: Path, monkeypatch: pytest.MonkeyPatch, reply: bytes, available: bool
    ) -> None:
        thread = serve_once(socket_path, reply)
        monkeypatch.setenv("DOCKER_HOST", f"unix://{socket_path}")

        assert docker_available() is available
        thread.join(timeout=5)

    def test_a_missing_socket_is_not_available(
        self, socket_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("DOCKER_HOST", f"unix://{socket_path}")

        assert docker_available() is False

    def test_an_unsupported_scheme_is_not_available(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("DOCKER_HOST", "npipe:////./pipe/docker_engine")

        assert docker_available() is False
