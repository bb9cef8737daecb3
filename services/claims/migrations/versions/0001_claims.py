"""Platform tables, claims and their status history.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from claimflow_shared.migrations import create_platform_tables, drop_platform_tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_platform_tables()
    op.create_table(
        "claims",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("tenant_id", sa.String(100), nullable=False),
        sa.Column("status", sa.String(30), nullable=False),
        sa.Column("payer_id", sa.String(80), nullable=False),
        sa.Column("billing_npi", sa.String(10), nullable=False),
        sa.Column("patient_ref", sa.String(80), nullable=False),
        sa.Column("place_of_service", sa.String(2), nullable=False),
        sa.Column("frequency", sa.String(1), nullable=False),
        sa.Column("total_charge", sa.Numeric(12, 2), nullable=False),
        sa.Column("body", postgresql.JSONB(), nullable=False),
        sa.Column("code_review", postgresql.JSONB()),
        sa.Column("auth_check", postgresql.JSONB()),
        sa.Column(
            "submitted_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
    )
    op.create_index("ix_claims_tenant_status", "claims", ["tenant_id", "status"])
    op.create_table(
        "claim_transitions",
        sa.Column("id", sa.Integer(), sa.Identity(), primary_key=True),
        sa.Column("claim_id", sa.Uuid(), sa.ForeignKey("claims.id"), nullable=False),
        sa.Column("from_status", sa.String(30)),
        sa.Column("to_status", sa.String(30), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("actor", sa.String(120), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    )
    op.create_index("ix_claim_transitions_claim_id", "claim_transitions", ["claim_id"])


def downgrade() -> None:
    op.drop_table("claim_transitions")
    op.drop_table("claims")
    drop_platform_tables()
