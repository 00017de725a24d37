"""Activity days: steps, exercise minutes and hours asleep imported from phones, one row per day.

Revision ID: 0010_activity_days
Revises: 0009_assessment_drafts
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0010_activity_days"
down_revision: str | None = "0009_assessment_drafts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "activity_days",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("steps", sa.Integer(), nullable=True),
        sa.Column("exercise_minutes", sa.Float(precision=53), nullable=True),
        sa.Column("sleep_hours", sa.Float(precision=53), nullable=True),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_activity_days_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activity_days")),
        sa.UniqueConstraint("user_id", "date", name="uq_activity_day_date"),
    )
    op.create_index(op.f("ix_activity_days_user_id"), "activity_days", ["user_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_activity_days_user_id"), table_name="activity_days")
    op.drop_table("activity_days")
