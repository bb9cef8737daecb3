"""Versioned codes with full-text search, releases and their diffs, edit tables, fee schedule,
new-code applications.

The thin slice's ``codes`` and ``releases`` tables are replaced: their rows came from the demo
seed, which loads again into the new tables.

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
SEARCH_VECTOR = (
    "setweight(to_tsvector('english'::regconfig, code), 'A') || "
    "setweight(to_tsvector('english'::regconfig, coalesce(short_descriptor, '')), 'A') || "
    "setweight(to_tsvector('english'::regconfig, coalesce(long_descriptor, '')), 'B')"
)


def _release_ref() -> "sa.Column[int]":
    return sa.Column("release_id", sa.Integer(), sa.ForeignKey("releases.id"), nullable=False)


def _releases() -> None:
    op.create_table(
        "releases",
        sa.Column("id", sa.Integer(), sa.Identity(), primary_key=True),
        sa.Column("code_system", sa.String(24), nullable=False),
        sa.Column("version", sa.String(40), nullable=False),
        sa.Column("effective_date", sa.Date(), nullable=False),
        sa.Column("source_name", sa.String(400), nullable=False),
        sa.Column("checksum", sa.String(64), nullable=False),
        sa.Column("records", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("added", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("changed", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("terminated", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("imported_at", TZ, server_default=sa.func.now(), nullable=False),
    )
    op.create_index("uq_releases_code_system", "releases", ["code_system", "version"], unique=True)
    op.create_index("ix_releases_checksum", "releases", ["code_system", "checksum"])
    op.create_table(
        "release_changes",
        sa.Column("id", sa.BigInteger(), sa.Identity(), primary_key=True),
        sa.Column(
            "release_id",
            sa.Integer(),
            sa.ForeignKey("releases.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("change", sa.String(12), nullable=False),
        sa.Column("system", sa.String(12), nullable=False),
        sa.Column("key", sa.String(40), nullable=False),
        sa.Column("before", postgresql.JSONB()),
        sa.Column("after", postgresql.JSONB()),
    )
    op.create_index(
        "ix_release_changes_release", "release_changes", ["release_id", "change", "key"]
    )


def _codes() -> None:
    op.create_table(
        "codes",
        sa.Column("id", sa.BigInteger(), sa.Identity(), primary_key=True),
        sa.Column("system", sa.String(12), nullable=False),
        sa.Column("code", sa.String(8), nullable=False),
        sa.Column("category", sa.String(24), nullable=False),
        sa.Column("billable", sa.Boolean(), nullable=False),
        sa.Column("short_descriptor", sa.Text()),
        sa.Column("long_descriptor", sa.Text()),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date()),
        sa.Column("current", sa.Boolean(), nullable=False),
        sa.Column("source", sa.String(24), nullable=False),
        _release_ref(),
        sa.Column("attributes", postgresql.JSONB(), nullable=False, server_default="{}"),
        sa.Column("search", postgresql.TSVECTOR(), sa.Computed(SEARCH_VECTOR, persisted=True)),
    )
    op.create_index(
        "ix_codes_current",
        "codes",
        ["system", "code"],
        unique=True,
        postgresql_where=sa.text("current"),
    )
    op.create_index("ix_codes_code", "codes", ["code", "system", "valid_from"])
    op.create_index("ix_codes_search", "codes", ["search"], postgresql_using="gin")


def _edits() -> None:
    op.create_table(
        "ptp_edits",
        sa.Column("id", sa.BigInteger(), sa.Identity(), primary_key=True),
        sa.Column("column1", sa.String(5), nullable=False),
        sa.Column("column2", sa.String(5), nullable=False),
        sa.Column("effective_date", sa.Date(), nullable=False),
        sa.Column("deletion_date", sa.Date()),
        sa.Column("modifier_indicator", sa.SmallInteger(), nullable=False),
        sa.Column("prior_to_1996", sa.Boolean(), nullable=False),
        sa.Column("rationale", sa.Text(), nullable=False),
        _release_ref(),
    )
    op.create_index(
        "uq_ptp_edits_pair", "ptp_edits", ["column1", "column2", "effective_date"], unique=True
    )
    op.create_index("ix_ptp_edits_column2", "ptp_edits", ["column2"])
    op.create_table(
        "mue_limits",
        sa.Column("id", sa.BigInteger(), sa.Identity(), primary_key=True),
        sa.Column("code", sa.String(5), nullable=False),
        sa.Column("max_units", sa.Integer(), nullable=False),
        sa.Column("adjudication_indicator", sa.SmallInteger(), nullable=False),
        sa.Column("adjudication_label", sa.Text(), nullable=False),
        sa.Column("rationale", sa.Text(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date()),
        _release_ref(),
    )
    op.create_index("ix_mue_limits_code", "mue_limits", ["code", "valid_from"])
    op.create_table(
        "addon_edits",
        sa.Column("id", sa.BigInteger(), sa.Identity(), primary_key=True),
        sa.Column("addon_code", sa.String(5), nullable=False),
        sa.Column("primary_code", sa.String(5)),
        sa.Column("edit_type", sa.SmallInteger(), nullable=False),
        sa.Column("effective_date", sa.Date(), nullable=False),
        sa.Column("deletion_date", sa.Date()),
        sa.Column("addon_deletion_date", sa.Date()),
        sa.Column("primary_deletion_date", sa.Date()),
        sa.Column("notes", sa.Text(), nullable=False),
        _release_ref(),
    )
    op.create_index("ix_addon_edits_addon", "addon_edits", ["addon_code", "primary_code"])


def _fees() -> None:
    rvu = sa.Numeric(8, 2)
    op.create_table(
        "fee_schedule",
        sa.Column("id", sa.BigInteger(), sa.Identity(), primary_key=True),
        sa.Column("code", sa.String(5), nullable=False),
        sa.Column("modifier", sa.String(2), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("status_code", sa.String(2), nullable=False),
        *(
            sa.Column(name, rvu, nullable=False)
            for name in (
                "work_rvu",
                "non_facility_pe_rvu",
                "facility_pe_rvu",
                "mp_rvu",
                "non_facility_total",
                "facility_total",
            )
        ),
        sa.Column("non_facility_pe_na", sa.Boolean(), nullable=False),
        sa.Column("facility_pe_na", sa.Boolean(), nullable=False),
        sa.Column("pctc_indicator", sa.String(2), nullable=False),
        sa.Column("global_days", sa.String(4), nullable=False),
        sa.Column("conversion_factor", sa.Numeric(9, 4), nullable=False),
        sa.Column("facility_payment", sa.Numeric(12, 2), nullable=False),
        sa.Column("non_facility_payment", sa.Numeric(12, 2), nullable=False),
        sa.Column("effective_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        _release_ref(),
    )
    op.create_index(
        "uq_fee_schedule_code",
        "fee_schedule",
        ["code", "modifier", "effective_date"],
        unique=True,
    )
    op.create_table(
        "localities",
        sa.Column("id", sa.BigInteger(), sa.Identity(), primary_key=True),
        sa.Column("locality", sa.String(12), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("work_gpci", sa.Numeric(6, 3), nullable=False),
        sa.Column("pe_gpci", sa.Numeric(6, 3), nullable=False),
        sa.Column("mp_gpci", sa.Numeric(6, 3), nullable=False),
        sa.Column("effective_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date()),
    )
    op.create_index("uq_localities_code", "localities", ["locality", "effective_date"], unique=True)


def _applications() -> None:
    op.create_table(
        "panel_meetings",
        sa.Column("id", sa.Integer(), sa.Identity(), primary_key=True),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("meeting_date", sa.Date(), nullable=False, unique=True),
        sa.Column("agenda_deadline", sa.Date(), nullable=False),
    )
    op.create_table(
        "code_applications",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("tenant_id", sa.String(100), nullable=False),
        sa.Column("status", sa.String(24), nullable=False),
        sa.Column("category", sa.String(3), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("details", postgresql.JSONB(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), sa.ForeignKey("panel_meetings.id")),
        sa.Column("assigned_code", sa.String(5)),
        sa.Column("effective_date", sa.Date()),
        sa.Column("created_by", sa.String(120), nullable=False),
        sa.Column("created_at", TZ, server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", TZ, server_default=sa.func.now(), nullable=False),
    )
    op.create_index("ix_code_applications_tenant", "code_applications", ["tenant_id", "status"])
    op.create_table(
        "application_events",
        sa.Column("id", sa.BigInteger(), sa.Identity(), primary_key=True),
        sa.Column(
            "application_id", sa.Uuid(), sa.ForeignKey("code_applications.id"), nullable=False
        ),
        sa.Column("action", sa.String(24), nullable=False),
        sa.Column("from_status", sa.String(24)),
        sa.Column("to_status", sa.String(24), nullable=False),
        sa.Column("actor_key_id", sa.String(64), nullable=False),
        sa.Column("actor_tenant", sa.String(100), nullable=False),
        sa.Column("actor_role", sa.String(20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("at", TZ, server_default=sa.func.now(), nullable=False),
    )
    op.create_index(
        "ix_application_events_application_id", "application_events", ["application_id"]
    )
    op.create_table(
        "custom_code_mappings",
        sa.Column("id", sa.Integer(), sa.Identity(), primary_key=True),
        sa.Column("tenant_id", sa.String(100), nullable=False),
        sa.Column("custom_code", sa.String(40), nullable=False),
        sa.Column("billing_code", sa.String(8), nullable=False),
        sa.Column("application_id", sa.Uuid(), sa.ForeignKey("code_applications.id")),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", TZ, server_default=sa.func.now(), nullable=False),
    )
    op.create_index(
        "uq_custom_code_mappings",
        "custom_code_mappings",
        ["tenant_id", "custom_code"],
        unique=True,
    )


def upgrade() -> None:
    op.drop_table("codes")
    op.drop_table("releases")
    _releases()
    _codes()
    _edits()
    _fees()
    _applications()


def downgrade() -> None:
    for table in (
        "custom_code_mappings",
        "application_events",
        "code_applications",
        "panel_meetings",
        "localities",
        "fee_schedule",
        "addon_edits",
        "mue_limits",
        "ptp_edits",
        "codes",
        "release_changes",
        "releases",
    ):
        op.drop_table(table)
    op.create_table(
        "releases",
        sa.Column("id", sa.Integer(), sa.Identity(), primary_key=True),
        sa.Column("code_system", sa.String(20), nullable=False),
        sa.Column("version", sa.String(40), nullable=False),
        sa.Column("effective_date", sa.Date(), nullable=False),
        sa.Column("imported_at", TZ, server_default=sa.func.now(), nullable=False),
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
