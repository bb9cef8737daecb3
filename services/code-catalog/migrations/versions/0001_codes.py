"""Platform tables, releases and codes.

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
        "releases",
        sa.Column("id", sa.Integer(), sa.Identity(), primary_key=True),
        sa.Column("code_system", sa.String(20), nullable=False),
        sa.Column("version", sa.String(40), nullable=False),
        sa.Column("effective_date", sa.Date(), nullable=False),
        sa.Column(
            "imported_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.UniqueConstraint("code_system", "version", name="uq_releases_code_system"),
    )
    op.create_table(
        "codes",
        sa.Column("id", sa.Integer(), sa.Identity(), primary_key=True),
        sa.Column("code_system", sa.String(20), nullable=False),
        sa.Column("code", sa.String(8), nullable=False),
        sa.Column("category", sa.String(20)),
        sa.Column("short_descriptor", sa.Text()),
        sa.Column("long_descriptor", sa.Text()),
        sa.Column("billable", sa.Boolean(), nullable=False),
        sa.Column("effective_date", sa.Date(), nullable=False),
        sa.Column("termination_date", sa.Date()),
        sa.Column("release_id", sa.Integer(), sa.ForeignKey("releases.id")),
        sa.UniqueConstraint("code_system", "code", "effective_date", name="uq_codes_code_system"),
    )
    op.create_index("ix_codes_lookup", "codes", ["code", "code_system"])


def downgrade() -> None:
    op.drop_table("codes")
    op.drop_table("releases")
    drop_platform_tables()
