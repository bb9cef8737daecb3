"""Service workers as separate OS processes on the real broker."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

from claimflow.services import definition

WORKER_MODULES = {
    "claims": "claims.worker",
    "code-catalog": "code_catalog.worker",
    "prior-auth": "prior_auth.worker",
    "notifications": "notifications.worker",
}


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def env_prefix(service: str) -> str:
    """The prefix of a service's settings variables (``CLAIMS_`` ...)."""
    return str(definition(service).settings_type.model_config.get("env_prefix", ""))


def worker_env(
    service: str,
    *,
    url: str,
    bootstrap: str,
    namespace: str,
    spans: Path | None,
    extra: dict[str, str] | None = None,
    settings: dict[str, str] | None = None,
) -> dict[str, str]:
    """The environment of one worker: its own prefix, Kafka, and the span file.

    ``settings`` are set under the service's prefix (``KAFKA_PARTITIONS`` becomes
    ``CATALOG_KAFKA_PARTITIONS``), ``extra`` as they are."""
    prefix = env_prefix(service)
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLAIMFLOW_PAUSE")}
    env.update(
        {
            f"{prefix}DATABASE_URL": url,
            f"{prefix}BUS": "kafka",
            f"{prefix}KAFKA_BOOTSTRAP_SERVERS": bootstrap,
            f"{prefix}KAFKA_NAMESPACE": namespace,
            f"{prefix}OUTBOX_POLL_SECONDS": "0.02",
            f"{prefix}LOG_LEVEL": "INFO",
            f"{prefix}METRICS_PORT": str(free_port()),
        }
    )
    env.pop("CLAIMFLOW_SPANS_FILE", None)
    if spans is not None:
        env["CLAIMFLOW_SPANS_FILE"] = str(spans)
    env.update({prefix + name: value for name, value in (settings or {}).items()})
    env.update(extra or {})
    return env


class WorkerProcess:
    """One service worker running in its own process, its output in a log file."""

    def __init__(self, service: str, env: dict[str, str], log: Path) -> None:
        self.service = service
        self.env = env
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> WorkerProcess:
        """Launch the worker."""
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", WORKER_MODULES[self.service]],
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self

    @property
    def probe_url(self) -> str:
        """Where the worker serves /health, /ready and /metrics."""
        return f"http://127.0.0.1:{self.env[env_prefix(self.service) + 'METRICS_PORT']}"

    def kill(self) -> None:
        """SIGKILL: no cleanup, no commit."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def terminate(self) -> None:
        """SIGTERM, without waiting: the worker finishes its batch and stops."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)

    def stop(self) -> None:
        """SIGTERM, then SIGKILL if it does not end."""
        if self.process is None or self.process.poll() is not None:
            return
        self.terminate()
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.kill()
