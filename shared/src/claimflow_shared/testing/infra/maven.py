"""Kafka's jars from Maven Central, resolved once into a local cache folder."""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

KAFKA_VERSION = "3.9.2"
SLF4J_VERSION = "1.7.36"
DEPENDENCY_PLUGIN_VERSION = "3.8.1"
CACHE_ENV = "CLAIMFLOW_CACHE_DIR"
RESOLVED_MARKER = ".resolved"


class MavenResolutionError(RuntimeError):
    """Maven is missing or could not resolve the requested artifacts."""


def _is_workspace_root(folder: Path) -> bool:
    """Tell whether `folder` holds the pyproject.toml that declares the uv workspace."""
    pyproject = folder / "pyproject.toml"
    if not pyproject.is_file():
        return False
    try:
        data = tomllib.loads(pyproject.read_text())
    except (OSError, tomllib.TOMLDecodeError):
        return False
    return "workspace" in data.get("tool", {}).get("uv", {})


def repository_root(start: Path | None = None) -> Path | None:
    """Find the workspace root above `start` (default: this file), or None."""
    origin = (start or Path(__file__)).resolve()
    for folder in (origin, *origin.parents):
        if _is_workspace_root(folder):
            return folder
    return None


def cache_root() -> Path:
    """Return the folder that holds downloaded tools: env override, repo `.cache`, or home."""
    override = os.environ.get(CACHE_ENV)
    if override:
        return Path(override).expanduser().resolve()
    for start in (Path.cwd(), Path(__file__)):
        root = repository_root(start)
        if root is not None:
            return root / ".cache"
    return Path.home() / ".cache" / "claimflow"


def kafka_lib_dir(version: str = KAFKA_VERSION, *, cache_dir: Path | None = None) -> Path:
    """Return where the jars of Kafka `version` live once resolved."""
    return (cache_dir or cache_root()) / "kafka" / version / "lib"


def render_pom(*, kafka_version: str, slf4j_version: str = SLF4J_VERSION) -> str:
    """Return a pom.xml whose runtime dependencies are a runnable Kafka broker."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>claimflow.local</groupId>
  <artifactId>kafka-runtime</artifactId>
  <version>{kafka_version}</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>org.apache.kafka</groupId>
      <artifactId>kafka_2.13</artifactId>
      <version>{kafka_version}</version>
    </dependency>
    <dependency>
      <groupId>org.slf4j</groupId>
      <artifactId>slf4j-simple</artifactId>
      <version>{slf4j_version}</version>
    </dependency>
  </dependencies>
  <build>
    <plugins>
      <plugin>
        <groupId>org.apache.maven.plugins</groupId>
        <artifactId>maven-dependency-plugin</artifactId>
        <version>{DEPENDENCY_PLUGIN_VERSION}</version>
      </plugin>
    </plugins>
  </build>
</project>
"""


def jars_resolved(lib_dir: Path) -> bool:
    """Tell whether `lib_dir` holds a complete earlier resolution."""
    return (lib_dir / RESOLVED_MARKER).is_file()


@contextmanager
def _exclusive(lock_path: Path) -> Iterator[None]:
    """Hold an exclusive file lock so two processes never resolve into one folder at once."""
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with lock_path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _maven_executable() -> str:
    """Return the path of `mvn`, or explain that Maven must be installed."""
    found = shutil.which("mvn")
    if found is None:
        raise MavenResolutionError("`mvn` is not on PATH; install Maven to fetch Kafka's jars")
    return found


def _copy_dependencies(*, pom: Path, output: Path) -> None:
    """Run Maven to copy the pom's runtime dependencies into `output`."""
    argv = [
        _maven_executable(),
        "-q",
        "-B",
        "-f",
        str(pom),
        "dependency:copy-dependencies",
        f"-DoutputDirectory={output}",
        "-DincludeScope=runtime",
    ]
    result = subprocess.run(argv, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).splitlines()[-30:])
        raise MavenResolutionError(f"mvn exited with {result.returncode}:\n{tail}")


def resolve_kafka_jars(version: str = KAFKA_VERSION, *, cache_dir: Path | None = None) -> Path:
    """Return the folder of Kafka `version`'s jars, running Maven only when it is not there."""
    lib_dir = kafka_lib_dir(version, cache_dir=cache_dir)
    if jars_resolved(lib_dir):
        return lib_dir
    version_dir = lib_dir.parent
    with _exclusive(version_dir / ".lock"):
        if jars_resolved(lib_dir):
            return lib_dir
        pom = version_dir / "pom.xml"
        pom.write_text(render_pom(kafka_version=version))
        staging = version_dir / "lib.partial"
        shutil.rmtree(staging, ignore_errors=True)
        _copy_dependencies(pom=pom, output=staging)
        if not any(staging.glob(f"kafka_2.13-{version}.jar")):
            raise MavenResolutionError(f"Maven finished but kafka_2.13-{version}.jar is missing")
        (staging / RESOLVED_MARKER).write_text(version + "\n")
        shutil.rmtree(lib_dir, ignore_errors=True)
        staging.rename(lib_dir)
    return lib_dir
