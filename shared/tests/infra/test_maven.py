from pathlib import Path

import pytest

from claimflow_shared.testing.infra.maven import (
    CACHE_ENV,
    RESOLVED_MARKER,
    MavenResolutionError,
    cache_root,
    kafka_lib_dir,
    render_pom,
    repository_root,
    resolve_kafka_jars,
)


class TestPom:
    def test_asks_for_kafka_and_a_matching_slf4j_binding(self) -> None:
        pom = render_pom(kafka_version="3.9.2", slf4j_version="1.7.36")

        assert "<artifactId>kafka_2.13</artifactId>\n      <version>3.9.2</version>" in pom
        assert "<artifactId>slf4j-simple</artifactId>\n      <version>1.7.36</version>" in pom
        assert "<packaging>pom</packaging>" in pom


class TestCacheLocation:
    def test_env_override_wins(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv(CACHE_ENV, str(tmp_path))

        assert cache_root() == tmp_path.resolve()
        assert kafka_lib_dir("3.9.2") == tmp_path.resolve() / "kafka" / "3.9.2" / "lib"

    def test_defaults_to_the_workspace_cache(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.delenv(CACHE_ENV, raising=False)
        root = repository_root()

        assert root is not None
        assert cache_root() == root / ".cache"

    def test_workspace_root_is_the_folder_declaring_the_workspace(self, tmp_path: Path) -> None:
        (tmp_path / "pyproject.toml").write_text('[tool.uv.workspace]\nmembers = ["pkg"]\n')
        package = tmp_path / "pkg"
        package.mkdir()
        (package / "pyproject.toml").write_text('[project]\nname = "pkg"\n')

        assert repository_root(package / "src") == tmp_path.resolve()


class TestResolution:
    def test_existing_jars_are_reused_without_maven(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        lib_dir = kafka_lib_dir("3.9.2", cache_dir=tmp_path)
        lib_dir.mkdir(parents=True)
        (lib_dir / RESOLVED_MARKER).write_text("3.9.2\n")
        monkeypatch.setenv("PATH", str(tmp_path / "empty"))

        assert resolve_kafka_jars("3.9.2", cache_dir=tmp_path) == lib_dir

    def test_a_partial_folder_is_not_taken_for_a_resolution(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        lib_dir = kafka_lib_dir("3.9.2", cache_dir=tmp_path)
        lib_dir.mkdir(parents=True)
        (lib_dir / "kafka_2.13-3.9.2.jar").write_bytes(b"")
        monkeypatch.setenv("PATH", str(tmp_path / "empty"))

        with pytest.raises(MavenResolutionError, match="mvn"):
            resolve_kafka_jars("3.9.2", cache_dir=tmp_path)
