"""Each service reads its own prefix and falls back to the server-level variables."""

import pytest

from claims.settings import ClaimsSettings
from code_catalog.settings import CatalogSettings


class TestSettings:
    def test_server_level_url_gets_the_service_database(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("DATABASE_URL", "postgresql://u:p@db.example:5432/postgres")
        monkeypatch.delenv("CLAIMS_DATABASE_URL", raising=False)
        settings = ClaimsSettings()
        assert settings.database_url == "postgresql+asyncpg://u:p@db.example:5432/claims"

    def test_service_variable_wins(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("DATABASE_URL", "postgresql://u@a/postgres")
        monkeypatch.setenv("CATALOG_DATABASE_URL", "postgresql+asyncpg://u@b/catalog")
        assert CatalogSettings().database_url == "postgresql+asyncpg://u@b/catalog"

    def test_prefixes_do_not_leak_between_services(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("CLAIMS_PORT", "9100")
        monkeypatch.delenv("CATALOG_PORT", raising=False)
        assert ClaimsSettings().port == 9100
        assert CatalogSettings().port == 8001
