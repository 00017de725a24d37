"""CDS Hooks token replay store shared by every worker: one row per accepted (iss, jti).

Revision ID: 0007_cds_tokens_seen
Revises: 0006_account_security
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0007_cds_tokens_seen"
down_revision: str | None = "0006_account_security"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cds_tokens_seen",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_cds_tokens_seen")),
    )
    op.create_index(op.f("ix_cds_tokens_seen_expires_at"), "cds_tokens_seen", ["expires_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_cds_tokens_seen_expires_at"), table_name="cds_tokens_seen")
    op.drop_table("cds_tokens_seen")
