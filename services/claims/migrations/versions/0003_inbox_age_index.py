"""An index on the inbox's processing time, for the hourly prune (ADR 14).

Revision ID: 0003
Revises: 0002
"""

from claimflow_shared.migrations import drop_inbox_age_index, index_inbox_age

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    index_inbox_age()


def downgrade() -> None:
    drop_inbox_age_index()
