"""Every prior-auth table, registered on one metadata for the platform and Alembic."""

from __future__ import annotations

from prior_auth.authorizations import models as authorizations
from prior_auth.base import Base
from prior_auth.claim_checks import models as claim_checks
from prior_auth.payers import models as payers
from prior_auth.requirements import models as requirements
from prior_auth.x12 import models as x12

MODULES = (authorizations, claim_checks, payers, requirements, x12)
metadata = Base.metadata
