"""Platform tables and authorization requirements.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

from claimflow_shared.migrations import create_platform_tables, drop_platform_tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_platform_tables()
    op.create_table(
        "requirements",
        sa.Column("id", sa.Integer(), sa.Identity(), primary_key=True),
        sa.Column("payer_id", sa.String(80), nullable=False, index=True),
        sa.Column("code_from", sa.String(8), nullable=False),
        sa.Column("code_to", sa.String(8), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("effective_to", sa.Date()),
    )


def downgrade() -> None:
    op.drop_table("requirements")
    drop_platform_tables()
