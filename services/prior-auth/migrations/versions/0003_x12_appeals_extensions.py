"""X12 reply control numbers, decision reason codes, extension limits per payer, deadline index
covering appeals.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

AWAITING = "status IN ('submitted', 'pended', 'contact_payer', 'in_appeal')"


def upgrade() -> None:
    op.execute("CREATE SEQUENCE x12_control_numbers START 1 MINVALUE 1 MAXVALUE 999999999 CYCLE")
    op.add_column("authorizations", sa.Column("reason_code", sa.String(2)))
    op.add_column(
        "payer_settings",
        sa.Column("max_extension_days", sa.Integer(), nullable=False, server_default="14"),
    )
    op.add_column(
        "payer_settings",
        sa.Column("max_extensions", sa.Integer(), nullable=False, server_default="1"),
    )
    op.drop_index("ix_authorizations_awaiting_deadline", table_name="authorizations")
    op.create_index(
        "ix_authorizations_awaiting_deadline",
        "authorizations",
        ["due_soon_at"],
        postgresql_where=sa.text(AWAITING),
    )


def downgrade() -> None:
    op.drop_index("ix_authorizations_awaiting_deadline", table_name="authorizations")
    op.create_index(
        "ix_authorizations_awaiting_deadline",
        "authorizations",
        ["due_soon_at"],
        postgresql_where=sa.text("first_decided_at IS NULL"),
    )
    op.drop_column("payer_settings", "max_extensions")
    op.drop_column("payer_settings", "max_extension_days")
    op.drop_column("authorizations", "reason_code")
    op.execute("DROP SEQUENCE x12_control_numbers")
