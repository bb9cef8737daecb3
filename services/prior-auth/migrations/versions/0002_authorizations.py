"""Requirement scopes, payer settings, authorizations with their trail, claim checks and units.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def _requirement_scopes() -> None:
    op.add_column("requirements", sa.Column("plan_id", sa.String(80)))
    op.add_column("requirements", sa.Column("place_of_service", sa.String(2)))
    op.add_column(
        "requirements",
        sa.Column("kind", sa.String(10), nullable=False, server_default="required"),
    )
    op.add_column(
        "requirements",
        sa.Column("created_at", TZ, server_default=sa.func.now(), nullable=False),
    )
    op.create_check_constraint(
        "ck_requirements_kind", "requirements", "kind IN ('required', 'exempt')"
    )


def _payers() -> None:
    op.create_table(
        "payer_settings",
        sa.Column("payer_id", sa.String(80), primary_key=True),
        sa.Column("time_zone", sa.String(64), nullable=False),
        sa.Column("standard_days", sa.Integer(), nullable=False),
        sa.Column("expedited_hours", sa.Integer(), nullable=False),
        sa.Column("pause_while_pended", sa.Boolean(), nullable=False),
        sa.Column("warn_before_hours", sa.Integer(), nullable=False),
        sa.Column("updated_at", TZ, server_default=sa.func.now(), nullable=False),
    )
    op.create_table(
        "simulator_profiles",
        sa.Column("payer_id", sa.String(80), primary_key=True),
        sa.Column("gold_card_codes", postgresql.ARRAY(sa.String(8)), nullable=False),
        sa.Column("denied_codes", postgresql.JSONB(), nullable=False),
        sa.Column("approve_after_seconds", sa.Integer(), nullable=False),
        sa.Column("pend_after_seconds", sa.Integer(), nullable=False),
        sa.Column("deny_after_seconds", sa.Integer(), nullable=False),
        sa.Column("information_needed", sa.Text(), nullable=False),
        sa.Column("approve_on_appeal", sa.Boolean(), nullable=False),
        sa.Column("updated_at", TZ, server_default=sa.func.now(), nullable=False),
    )


def _authorizations() -> None:
    op.create_table(
        "authorizations",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("tenant_id", sa.String(100), nullable=False),
        sa.Column("payer_id", sa.String(80), nullable=False),
        sa.Column("plan_id", sa.String(80)),
        sa.Column("patient_ref", sa.String(80), nullable=False),
        sa.Column("subscriber_ref", sa.String(80), nullable=False),
        sa.Column("requesting_npi", sa.String(10), nullable=False),
        sa.Column("servicing_npi", sa.String(10), nullable=False),
        sa.Column("priority", sa.String(10), nullable=False),
        sa.Column("place_of_service", sa.String(2)),
        sa.Column("status", sa.String(30), nullable=False),
        sa.Column("authorization_number", sa.String(50)),
        sa.Column("information_needed", sa.Text()),
        sa.Column("reason", sa.Text()),
        sa.Column("modification", sa.Text()),
        sa.Column("appealed", sa.Boolean(), nullable=False),
        sa.Column("received_at", TZ, nullable=False),
        sa.Column("deadline_policy", postgresql.JSONB(), nullable=False),
        sa.Column("due_at", TZ, nullable=False),
        sa.Column("due_soon_at", TZ, nullable=False),
        sa.Column("clock_paused", sa.Boolean(), nullable=False),
        sa.Column("first_decided_at", TZ),
        sa.Column("due_soon_published_at", TZ),
        sa.Column("overdue_published_at", TZ),
        sa.Column("last_transition_at", TZ, nullable=False),
    )
    op.create_index("ix_authorizations_tenant_status", "authorizations", ["tenant_id", "status"])
    op.create_index("ix_authorizations_payer_status", "authorizations", ["payer_id", "status"])
    op.create_index(
        "ix_authorizations_holder", "authorizations", ["tenant_id", "payer_id", "patient_ref"]
    )
    op.create_index(
        "ix_authorizations_awaiting_deadline",
        "authorizations",
        ["due_soon_at"],
        postgresql_where=sa.text("first_decided_at IS NULL"),
    )


def _authorization_children() -> None:
    op.create_table(
        "authorization_lines",
        sa.Column(
            "authorization_id", sa.Uuid(), sa.ForeignKey("authorizations.id"), primary_key=True
        ),
        sa.Column("line_number", sa.Integer(), primary_key=True),
        sa.Column("code", sa.String(8), nullable=False),
        sa.Column("modifiers", postgresql.ARRAY(sa.String(2)), nullable=False),
        sa.Column("units", sa.Integer(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("place_of_service", sa.String(2)),
        sa.Column("diagnosis_codes", postgresql.ARRAY(sa.String(8)), nullable=False),
        sa.Column("approved_units", sa.Integer()),
        sa.Column("approved_start", sa.Date()),
        sa.Column("approved_end", sa.Date()),
        sa.Column("used_units", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "used_units >= 0", name="ck_authorization_lines_used_units_not_negative"
        ),
    )
    op.create_index("ix_authorization_lines_code", "authorization_lines", ["code"])
    op.create_table(
        "authorization_documents",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column(
            "authorization_id", sa.Uuid(), sa.ForeignKey("authorizations.id"), nullable=False
        ),
        sa.Column("document_type", sa.String(40), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("reference", sa.String(500), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("added_at", TZ, nullable=False),
        sa.Column("added_by", sa.String(120), nullable=False),
    )
    op.create_index(
        "ix_authorization_documents_authorization_id",
        "authorization_documents",
        ["authorization_id"],
    )
    op.create_table(
        "authorization_transitions",
        sa.Column("id", sa.BigInteger(), sa.Identity(), primary_key=True),
        sa.Column(
            "authorization_id", sa.Uuid(), sa.ForeignKey("authorizations.id"), nullable=False
        ),
        sa.Column("from_status", sa.String(30)),
        sa.Column("to_status", sa.String(30), nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("action_code", sa.String(3)),
        sa.Column("actor_kind", sa.String(20), nullable=False),
        sa.Column("actor_id", sa.String(120), nullable=False),
        sa.Column("at", TZ, nullable=False),
        sa.Column("reason", sa.Text()),
        sa.Column("details", postgresql.JSONB(), nullable=False),
    )
    op.create_index(
        "ix_authorization_transitions_authorization_id",
        "authorization_transitions",
        ["authorization_id"],
    )
    op.create_table(
        "idempotency_keys",
        sa.Column("tenant_id", sa.String(100), primary_key=True),
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("request_sha256", sa.String(64), nullable=False),
        sa.Column("response", postgresql.JSONB()),
        sa.Column("created_at", TZ, server_default=sa.func.now(), nullable=False),
    )


def _claim_checks() -> None:
    op.create_table(
        "claim_checks",
        sa.Column("claim_id", sa.String(64), primary_key=True),
        sa.Column("tenant_id", sa.String(100), nullable=False),
        sa.Column("payer_id", sa.String(80), nullable=False),
        sa.Column("patient_ref", sa.String(80), nullable=False),
        sa.Column("place_of_service", sa.String(2), nullable=False),
        sa.Column("lines", postgresql.JSONB(), nullable=False),
        sa.Column("result", postgresql.JSONB(), nullable=False),
        sa.Column("outcome", sa.String(10), nullable=False),
        sa.Column("checked_at", TZ, nullable=False),
        sa.Column("released_at", TZ),
        sa.Column("release_reason", sa.String(40)),
    )
    op.create_index(
        "ix_claim_checks_pending",
        "claim_checks",
        ["tenant_id", "payer_id", "patient_ref"],
        postgresql_where=sa.text("outcome <> 'clear' AND released_at IS NULL"),
    )
    op.create_table(
        "unit_consumptions",
        sa.Column("id", sa.BigInteger(), sa.Identity(), primary_key=True),
        sa.Column("claim_id", sa.String(64), nullable=False),
        sa.Column("claim_line_number", sa.Integer(), nullable=False),
        sa.Column("authorization_id", sa.Uuid(), nullable=False),
        sa.Column("authorization_line_number", sa.Integer(), nullable=False),
        sa.Column("units", sa.Integer(), nullable=False),
        sa.Column("consumed_at", TZ, nullable=False),
        sa.Column("released_at", TZ),
        sa.ForeignKeyConstraint(
            ["authorization_id", "authorization_line_number"],
            ["authorization_lines.authorization_id", "authorization_lines.line_number"],
        ),
    )
    op.create_index("ix_unit_consumptions_claim_id", "unit_consumptions", ["claim_id"])


def upgrade() -> None:
    _requirement_scopes()
    _payers()
    _authorizations()
    _authorization_children()
    _claim_checks()


def downgrade() -> None:
    for table in (
        "unit_consumptions",
        "claim_checks",
        "idempotency_keys",
        "authorization_transitions",
        "authorization_documents",
        "authorization_lines",
        "authorizations",
        "simulator_profiles",
        "payer_settings",
    ):
        op.drop_table(table)
    op.drop_constraint("ck_requirements_kind", "requirements")
    for column in ("created_at", "kind", "place_of_service", "plan_id"):
        op.drop_column("requirements", column)
