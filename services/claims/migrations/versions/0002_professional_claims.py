"""Professional claims: lines, demographics, duplicate fingerprints, review actions, idempotency
keys, payer policies, received interchanges and acknowledgment control numbers.

The thin slice kept each claim's JSON in ``claims.body``; its lines, diagnoses and dates move
into columns and ``claim_lines``, and live claims get their duplicate fingerprints.

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

NOW = sa.text("now()")
LIVE = "('received', 'accepted', 'pended_auth', 'pended_review')"


def upgrade() -> None:
    _claim_columns()
    _claim_lines()
    _move_body()
    _claim_indexes()
    _side_tables()
    _fingerprints()
    op.execute("CREATE SEQUENCE x12_control_numbers START 1 MINVALUE 1 MAXVALUE 999999999 CYCLE")


def _claim_columns() -> None:
    """The claim's own new columns."""
    add = lambda column: op.add_column("claims", column)  # noqa: E731
    add(sa.Column("source", sa.String(10), nullable=False, server_default="json"))
    add(sa.Column("claim_number", sa.String(50)))
    add(sa.Column("rendering_npi", sa.String(10)))
    add(sa.Column("original_ref", sa.String(80)))
    add(sa.Column("original_claim_id", sa.Uuid(), sa.ForeignKey("claims.id")))
    add(sa.Column("prior_auth_number", sa.String(50)))
    add(
        sa.Column(
            "diagnosis_codes",
            postgresql.ARRAY(sa.String(8)),
            nullable=False,
            server_default="{}",
        )
    )
    add(sa.Column("service_from", sa.Date()))
    add(sa.Column("service_to", sa.Date()))
    add(sa.Column("x12_key", sa.Text()))
    add(
        sa.Column(
            "findings", postgresql.JSONB(), nullable=False, server_default=sa.text("'[]'::jsonb")
        )
    )
    add(sa.Column("assigned_to", sa.String(120)))
    add(sa.Column("assigned_at", sa.DateTime(timezone=True)))


def _claim_lines() -> None:
    """Service lines in their own table."""
    op.create_table(
        "claim_lines",
        sa.Column("claim_id", sa.Uuid(), sa.ForeignKey("claims.id"), primary_key=True),
        sa.Column("line_number", sa.SmallInteger(), primary_key=True),
        sa.Column("code", sa.String(5), nullable=False),
        sa.Column("modifiers", postgresql.ARRAY(sa.String(2)), nullable=False),
        sa.Column("units", sa.Numeric(12, 3), nullable=False),
        sa.Column("charge", sa.Numeric(12, 2), nullable=False),
        sa.Column("service_from", sa.Date(), nullable=False),
        sa.Column("service_to", sa.Date(), nullable=False),
        sa.Column("diagnosis_pointers", postgresql.ARRAY(sa.SmallInteger()), nullable=False),
        sa.Column("rendering_npi", sa.String(10)),
        sa.Column("prior_auth_number", sa.String(50)),
        sa.Column("place_of_service", sa.String(2)),
    )


def _move_body() -> None:
    """Copy the thin slice's JSON bodies into the new columns, then drop ``body``."""
    op.execute(
        """
        INSERT INTO claim_lines (claim_id, line_number, code, modifiers, units, charge,
                                 service_from, service_to, diagnosis_pointers)
        SELECT c.id, l.n, l.v->>'code',
               ARRAY(SELECT jsonb_array_elements_text(COALESCE(l.v->'modifiers', '[]'))),
               (l.v->>'units')::numeric, (l.v->>'charge')::numeric,
               (l.v->>'service_date')::date,
               COALESCE((l.v->>'service_date_to')::date, (l.v->>'service_date')::date),
               ARRAY(SELECT jsonb_array_elements_text(
                   COALESCE(l.v->'diagnosis_pointers', '[1]'))::smallint)
        FROM claims c, jsonb_array_elements(c.body->'lines') WITH ORDINALITY AS l(v, n)
        """
    )
    op.execute(
        """
        UPDATE claims c SET
            diagnosis_codes = ARRAY(
                SELECT jsonb_array_elements_text(COALESCE(c.body->'diagnosis_codes', '[]'))),
            service_from = (SELECT min(service_from) FROM claim_lines WHERE claim_id = c.id),
            service_to = (SELECT max(service_to) FROM claim_lines WHERE claim_id = c.id)
        """
    )
    op.execute("UPDATE claims SET service_from = submitted_at::date WHERE service_from IS NULL")
    op.execute("UPDATE claims SET service_to = service_from WHERE service_to IS NULL")
    op.alter_column("claims", "service_from", nullable=False)
    op.alter_column("claims", "service_to", nullable=False)
    op.drop_column("claims", "body")


def _claim_indexes() -> None:
    """Keyset listing, status filters, claim numbers, inquiries and X12 envelope keys."""
    op.drop_index("ix_claims_tenant_status", table_name="claims")
    op.create_index("ix_claims_tenant_submitted", "claims", ["tenant_id", "submitted_at", "id"])
    op.create_index(
        "ix_claims_tenant_status_submitted", "claims", ["tenant_id", "status", "submitted_at", "id"]
    )
    op.create_index("ix_claims_tenant_claim_number", "claims", ["tenant_id", "claim_number"])
    op.create_index(
        "ix_claims_inquiry", "claims", ["tenant_id", "payer_id", "billing_npi", "patient_ref"]
    )
    op.create_index(
        "uq_claims_tenant_x12_key",
        "claims",
        ["tenant_id", "x12_key"],
        unique=True,
        postgresql_where=sa.text("x12_key IS NOT NULL"),
    )


def _side_tables() -> None:
    """Demographics, fingerprints, review actions, idempotency keys, payers, interchanges."""
    op.create_table(
        "claim_demographics",
        sa.Column("claim_id", sa.Uuid(), sa.ForeignKey("claims.id"), primary_key=True),
        sa.Column("member_id", sa.String(80)),
        sa.Column("group_number", sa.String(50)),
        sa.Column("relationship", sa.String(2)),
        sa.Column("subscriber", postgresql.JSONB()),
        sa.Column("patient", postgresql.JSONB()),
    )
    op.create_table(
        "claim_fingerprints",
        sa.Column("tenant_id", sa.String(100), primary_key=True),
        sa.Column("fingerprint", sa.String(64), primary_key=True),
        sa.Column("claim_id", sa.Uuid(), sa.ForeignKey("claims.id"), nullable=False),
        sa.Column("line_number", sa.SmallInteger(), nullable=False),
    )
    op.create_index("ix_claim_fingerprints_claim_id", "claim_fingerprints", ["claim_id"])
    op.create_table(
        "review_actions",
        sa.Column("id", sa.Integer(), sa.Identity(), primary_key=True),
        sa.Column("claim_id", sa.Uuid(), sa.ForeignKey("claims.id"), nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("actor", sa.String(120), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("detail", postgresql.JSONB(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), server_default=NOW, nullable=False),
    )
    op.create_index("ix_review_actions_claim_id", "review_actions", ["claim_id"])
    op.create_table(
        "idempotency_keys",
        sa.Column("tenant_id", sa.String(100), primary_key=True),
        sa.Column("key", sa.String(255), primary_key=True),
        sa.Column("endpoint", sa.String(100), nullable=False),
        sa.Column("request_sha256", sa.String(64), nullable=False),
        sa.Column("status_code", sa.Integer()),
        sa.Column("response", sa.Text()),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=NOW, nullable=False),
    )
    op.create_table(
        "payer_policies",
        sa.Column("payer_id", sa.String(80), primary_key=True),
        sa.Column("timely_filing_days", sa.Integer(), nullable=False),
        sa.Column("updated_by", sa.String(120), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=NOW, nullable=False),
    )
    op.create_table(
        "x12_submissions",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("tenant_id", sa.String(100), nullable=False),
        sa.Column("sender_id", sa.String(15), nullable=False),
        sa.Column("control_number", sa.String(9), nullable=False),
        sa.Column("body_sha256", sa.String(64), nullable=False),
        sa.Column("interchange_status", sa.String(1), nullable=False),
        sa.Column("claims_accepted", sa.Integer(), nullable=False),
        sa.Column("claims_rejected", sa.Integer(), nullable=False),
        sa.Column("ack999", sa.Text(), nullable=False),
        sa.Column("ack277ca", sa.Text()),
        sa.Column("answer", postgresql.JSONB(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index(
        "ix_x12_submissions_tenant_received", "x12_submissions", ["tenant_id", "received_at"]
    )


def _fingerprints() -> None:
    """Fingerprints of the live claims' lines, computed as the service computes them."""
    op.execute(
        f"""
        INSERT INTO claim_fingerprints (tenant_id, fingerprint, claim_id, line_number)
        SELECT c.tenant_id,
               encode(sha256(convert_to(concat_ws(chr(31), c.payer_id, c.patient_ref,
                   c.billing_npi, l.service_from::text, l.code,
                   array_to_string(l.modifiers, '+'), to_char(l.charge, 'FM9999999990.00')),
                   'UTF8')), 'hex'),
               c.id, l.line_number
        FROM claims c JOIN claim_lines l ON l.claim_id = c.id
        WHERE c.status IN {LIVE}
        ORDER BY c.submitted_at, l.line_number
        ON CONFLICT DO NOTHING
        """
    )


def downgrade() -> None:
    op.execute("DROP SEQUENCE x12_control_numbers")
    for table in (
        "x12_submissions",
        "payer_policies",
        "idempotency_keys",
        "review_actions",
        "claim_fingerprints",
        "claim_demographics",
    ):
        op.drop_table(table)
    op.add_column("claims", sa.Column("body", postgresql.JSONB()))
    op.execute(
        """
        UPDATE claims c SET body = jsonb_build_object(
            'payer_id', c.payer_id, 'billing_npi', c.billing_npi, 'patient_ref', c.patient_ref,
            'place_of_service', c.place_of_service, 'diagnosis_codes', to_jsonb(c.diagnosis_codes),
            'total_charge', c.total_charge::text,
            'lines', COALESCE((SELECT jsonb_agg(jsonb_build_object(
                'code', l.code, 'modifiers', to_jsonb(l.modifiers), 'units', l.units::text,
                'charge', l.charge::text, 'service_date', l.service_from::text,
                'service_date_to', l.service_to::text,
                'diagnosis_pointers', to_jsonb(l.diagnosis_pointers)) ORDER BY l.line_number)
                FROM claim_lines l WHERE l.claim_id = c.id), '[]'::jsonb))
        """
    )
    op.alter_column("claims", "body", nullable=False)
    op.drop_table("claim_lines")
    for index in (
        "uq_claims_tenant_x12_key",
        "ix_claims_inquiry",
        "ix_claims_tenant_claim_number",
        "ix_claims_tenant_status_submitted",
        "ix_claims_tenant_submitted",
    ):
        op.drop_index(index, table_name="claims")
    op.create_index("ix_claims_tenant_status", "claims", ["tenant_id", "status"])
    for column in (
        "assigned_at",
        "assigned_to",
        "findings",
        "x12_key",
        "service_to",
        "service_from",
        "diagnosis_codes",
        "prior_auth_number",
        "original_claim_id",
        "original_ref",
        "rendering_npi",
        "claim_number",
        "source",
    ):
        op.drop_column("claims", column)
