"""A real single-node Apache Kafka broker (KRaft) run from Maven Central jars with local Java."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path

from aiokafka.admin import AIOKafkaAdminClient  # type: ignore[import-untyped, unused-ignore]
from aiokafka.errors import KafkaError  # type: ignore[import-untyped, unused-ignore]

from claimflow_shared.testing.infra import processes
from claimflow_shared.testing.infra.kafka_config import (
    BrokerAddress,
    address_from_properties,
    new_cluster_id,
    read_properties,
    render_server_properties,
)
from claimflow_shared.testing.infra.maven import KAFKA_VERSION, resolve_kafka_jars

DEFAULT_JVM_OPTIONS = (
    "-Xms128m",
    "-Xmx512m",
    "-XX:+UseSerialGC",
    "-XX:TieredStopAtLevel=1",
    "-Djava.awt.headless=true",
    "-Djava.net.preferIPv4Stack=true",
    "-Dorg.slf4j.simpleLogger.showDateTime=true",
    "-Dorg.slf4j.simpleLogger.dateTimeFormat=yyyy-MM-dd'T'HH:mm:ss.SSS",
)
STARTED_MARKER = "Kafka Server started"
VERSION_LINE = re.compile(r"^.*Kafka version: (?P<version>\S+).*$", re.MULTILINE)
ERROR_LINE = re.compile(r" (ERROR|FATAL) |^Caused by: |^[\w.$]+(Exception|Error): ")


class KafkaStartError(RuntimeError):
    """The broker did not come up; the message carries the errors and tail of its log."""


def logged_errors(log_text: str, *, limit: int = 12) -> list[str]:
    """Return the distinct error and exception lines of a broker log, oldest first."""
    found: list[str] = []
    for line in log_text.splitlines():
        if ERROR_LINE.search(line) and line not in found:
            found.append(line)
    return found[:limit]


def java_executable() -> str:
    """Return the `java` to run: $JAVA_HOME/bin/java when set, else the one on PATH."""
    java_home = os.environ.get("JAVA_HOME")
    if java_home and (Path(java_home) / "bin" / "java").is_file():
        return str(Path(java_home) / "bin" / "java")
    found = shutil.which("java")
    if found is None:
        raise KafkaStartError("`java` is not on PATH and JAVA_HOME is not set; install Java 17+")
    return found


async def metadata_answers(bootstrap_servers: str) -> bool:
    """Tell whether a broker at `bootstrap_servers` answers a metadata request."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers, request_timeout_ms=5000)
    try:
        await admin.start()
        cluster = await admin.describe_cluster()
    except (KafkaError, OSError):
        return False
    finally:
        await admin.close()
    return bool(cluster.get("brokers"))


class KafkaBroker:
    """One broker+controller whose files (config, data, log, pid) live under `home`."""

    def __init__(
        self,
        home: Path,
        *,
        version: str = KAFKA_VERSION,
        cache_dir: Path | None = None,
        lib_dir: Path | None = None,
        port: int | None = None,
        host: str = "127.0.0.1",
        jvm_options: Sequence[str] = DEFAULT_JVM_OPTIONS,
    ) -> None:
        self.home = home.resolve()
        self._version = version
        self._cache_dir = cache_dir
        self._lib_dir = lib_dir
        self._port = port
        self._host = host
        self._jvm_options = tuple(jvm_options)
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def properties_path(self) -> Path:
        """Return the server.properties this broker runs with."""
        return self.home / "server.properties"

    @property
    def data_dir(self) -> Path:
        """Return the log.dirs folder that holds topics and the metadata log."""
        return self.home / "data"

    @property
    def log_path(self) -> Path:
        """Return the file the broker's stdout and stderr are appended to."""
        return self.home / "broker.log"

    @property
    def pid_path(self) -> Path:
        """Return the file holding the broker's process id while it runs."""
        return self.home / "broker.pid"

    @property
    def address(self) -> BrokerAddress:
        """Return where the broker listens (fixed by its first start)."""
        return address_from_properties(read_properties(self.properties_path))

    @property
    def bootstrap_servers(self) -> str:
        """Return the address clients connect to."""
        return self.address.bootstrap_servers

    @property
    def version_line(self) -> str | None:
        """Return the last 'Kafka version: ...' line the broker logged, if any."""
        matches = list(VERSION_LINE.finditer(self._read_log()))
        return matches[-1].group(0).strip() if matches else None

    @property
    def version(self) -> str | None:
        """Return the Kafka version the running broker reported in its log."""
        matches = list(VERSION_LINE.finditer(self._read_log()))
        return matches[-1].group("version") if matches else None

    @property
    def pid(self) -> int | None:
        """Return the broker's process id when it is running, else None."""
        if self._proc is not None:
            self._proc.poll()
            return self._proc.pid if self._proc.returncode is None else None
        return self._pid_from_file()

    @property
    def running(self) -> bool:
        """Tell whether the broker process is alive."""
        return self.pid is not None

    def _pid_from_file(self) -> int | None:
        """Read the pid file, trusting it only if that process is this broker."""
        try:
            pid = int(self.pid_path.read_text().strip())
        except (FileNotFoundError, ValueError):
            return None
        if not processes.pid_alive(pid):
            return None
        command = processes.pid_command_line(pid)
        if command is not None and str(self.properties_path) not in command:
            return None
        return pid

    def _read_log(self, offset: int = 0) -> str:
        """Return the broker log from byte `offset`, or '' before it exists."""
        try:
            with self.log_path.open("rb") as handle:
                handle.seek(offset)
                return handle.read().decode(errors="replace")
        except FileNotFoundError:
            return ""

    def _log_size(self) -> int:
        """Return the current size of the broker log in bytes."""
        try:
            return self.log_path.stat().st_size
        except FileNotFoundError:
            return 0

    def _java_command(self, lib_dir: Path, *args: str) -> list[str]:
        """Return a java command line with Kafka's jars on the classpath."""
        return [java_executable(), *self._jvm_options, "-cp", str(lib_dir / "*"), *args]

    def _write_properties(self) -> None:
        """Write server.properties on the first start; later starts keep its ports."""
        if self.properties_path.is_file():
            return
        address = BrokerAddress(
            host=self._host,
            broker_port=self._port or processes.free_port(self._host),
            controller_port=processes.free_port(self._host),
        )
        self.properties_path.write_text(
            render_server_properties(address=address, log_dir=self.data_dir)
        )

    def _format_storage(self, lib_dir: Path) -> None:
        """Format the data folder for KRaft unless an earlier start already did."""
        if (self.data_dir / "meta.properties").is_file():
            return
        argv = self._java_command(
            lib_dir,
            "kafka.tools.StorageTool",
            "format",
            f"--cluster-id={new_cluster_id()}",
            "-c",
            str(self.properties_path),
        )
        result = subprocess.run(argv, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            tail = "\n".join((result.stdout + result.stderr).splitlines()[-20:])
            raise KafkaStartError(f"kafka StorageTool format failed:\n{tail}")

    def _resolve_jars(self) -> Path:
        """Return the folder of this broker's jars, resolving them with Maven when missing."""
        return resolve_kafka_jars(self._version, cache_dir=self._cache_dir)

    async def _prepare(self) -> Path:
        """Resolve jars, write the config and format storage; return the jar folder."""
        self.home.mkdir(parents=True, exist_ok=True)
        lib_dir = self._lib_dir
        if lib_dir is None:
            lib_dir = await asyncio.to_thread(self._resolve_jars)
        self._write_properties()
        await asyncio.to_thread(self._format_storage, lib_dir)
        return lib_dir

    async def start(self, *, ready_within: float = 120.0) -> None:
        """Start the broker on its data and wait until it answers metadata requests."""
        if self.running:
            raise KafkaStartError(f"broker in {self.home} is already running (pid {self.pid})")
        lib_dir = await self._prepare()
        log_offset = self._log_size()
        argv = self._java_command(lib_dir, "kafka.Kafka", str(self.properties_path))
        self._proc = processes.spawn_detached(argv, log_path=self.log_path, cwd=self.home)
        self.pid_path.write_text(f"{self._proc.pid}\n")
        try:
            await self._wait_ready(log_offset=log_offset, ready_within=ready_within)
        except BaseException:
            await self.kill()
            raise

    async def _wait_ready(self, *, log_offset: int, ready_within: float) -> None:
        """Wait for the start marker in the new log output, then for a metadata answer."""
        deadline = time.monotonic() + ready_within
        while time.monotonic() < deadline:
            if not self.running:
                raise self._start_error("the broker process exited during start", log_offset)
            if STARTED_MARKER in self._read_log(log_offset) and await metadata_answers(
                self.bootstrap_servers
            ):
                return
            await asyncio.sleep(0.2)
        raise self._start_error(
            f"the broker did not answer within {ready_within:.0f} s", log_offset
        )

    def _start_error(self, reason: str, log_offset: int) -> KafkaStartError:
        """Build a start error showing what this start logged as errors, and the log's tail."""
        errors = "\n".join(logged_errors(self._read_log(log_offset))) or "(none)"
        tail = processes.log_tail(self.log_path, lines=20)
        return KafkaStartError(
            f"{reason}\nerrors logged:\n{errors}\nlog {self.log_path} ends with:\n{tail}"
        )

    async def stop(self, *, grace: float = 30.0) -> None:
        """Shut the broker down with SIGTERM (SIGKILL after `grace` seconds), keeping its data."""
        pid = self.pid
        if pid is not None:
            await processes.terminate(pid, grace=grace, proc=self._proc)
        self._forget_process()

    async def kill(self) -> None:
        """Kill the broker with SIGKILL, as a crash would, keeping its data."""
        pid = self.pid
        if pid is not None:
            await processes.kill(pid, proc=self._proc)
        self._forget_process()

    async def restart(self, *, downtime: float = 0.0, ready_within: float = 120.0) -> None:
        """Stop the broker, stay down `downtime` seconds, start it on the same port and data."""
        await self.stop()
        if downtime > 0:
            await asyncio.sleep(downtime)
        await self.start(ready_within=ready_within)

    def _forget_process(self) -> None:
        """Drop the handle and pid file of a process that has ended."""
        self._proc = None
        self.pid_path.unlink(missing_ok=True)


async def start_kafka(
    home: Path,
    *,
    version: str = KAFKA_VERSION,
    cache_dir: Path | None = None,
    port: int | None = None,
    ready_within: float = 120.0,
) -> KafkaBroker:
    """Start a broker whose files live under `home` and return it once it answers."""
    broker = KafkaBroker(home, version=version, cache_dir=cache_dir, port=port)
    await broker.start(ready_within=ready_within)
    return broker
