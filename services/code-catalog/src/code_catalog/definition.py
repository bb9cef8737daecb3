"""The code-catalog service as the platform sees it: routes, consumers, tables, migrations."""

from __future__ import annotations

from pathlib import Path

from claimflow_shared.runtime import ServiceDefinition
from code_catalog.applications.endpoints import router as applications
from code_catalog.codes.endpoints import router as codes
from code_catalog.consumers import consumers
from code_catalog.edits.endpoints import router as edits
from code_catalog.fees.endpoints import router as fees
from code_catalog.models import Base
from code_catalog.releases.endpoints import router as releases
from code_catalog.settings import CatalogSettings

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"

DEFINITION = ServiceDefinition(
    name="code-catalog",
    settings_type=CatalogSettings,
    routers=[codes, releases, edits, fees, applications],
    consumers=consumers,
    metadata=Base.metadata,
    migrations=MIGRATIONS,
    title="claimflow code-catalog",
    description=(
        "Billing codes (CPT, HCPCS Level II, modifiers, place of service, ICD-10-CM) as of any "
        "date, releases and their diffs, NCCI/MUE/add-on edits, the Physician Fee Schedule, "
        "and new-code applications."
    ),
)
