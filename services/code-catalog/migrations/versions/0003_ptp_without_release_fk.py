"""NCCI PTP rows keep their release id without a foreign key, and lose the column 2 index.

The table takes millions of rows per release, and the per-row foreign-key check cost more than
half of a 500,000-pair import. Only the importer writes the table, in the same transaction that
creates the release, and releases are never deleted. No query leads with column 2: lookups name
both codes, and the review tables read the whole table.

Revision ID: 0003
Revises: 0002
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_constraint("ptp_edits_release_id_fkey", "ptp_edits", type_="foreignkey")
    op.drop_index("ix_ptp_edits_column2", "ptp_edits")


def downgrade() -> None:
    op.create_index("ix_ptp_edits_column2", "ptp_edits", ["column2"])
    op.create_foreign_key(
        "ptp_edits_release_id_fkey", "ptp_edits", "releases", ["release_id"], ["id"]
    )
