"""Experiments: where a schedule came from (drawn here or imported) and a hash of it.

Revision ID: 0003_experiment_provenance
Revises: 0002_web_auth
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0003_experiment_provenance"
down_revision: str | None = "0002_web_auth"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("experiments") as batch:
        batch.add_column(sa.Column("imported", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("schedule_sha256", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("experiments") as batch:
        batch.drop_column("schedule_sha256")
        batch.drop_column("imported")
