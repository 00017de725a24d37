"""Questionnaire drafts and results waiting for a sign-in.

Revision ID: 0009_assessment_drafts
Revises: 0008_reminders
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0009_assessment_drafts"
down_revision: str | None = "0008_reminders"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "assessment_drafts",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("input_json", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_index(op.f("ix_assessment_drafts_user_id"), "assessment_drafts", ["user_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_assessment_drafts_user_id"), table_name="assessment_drafts")
    op.drop_table("assessment_drafts")
