"""Users: a diary version that every change of episodes or day logs bumps (keys the stats cache).

Revision ID: 0004_diary_version
Revises: 0003_experiment_provenance
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0004_diary_version"
down_revision: str | None = "0003_experiment_provenance"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(
            sa.Column("diary_version", sa.Integer(), nullable=False, server_default=sa.text("0"))
        )


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("diary_version")
