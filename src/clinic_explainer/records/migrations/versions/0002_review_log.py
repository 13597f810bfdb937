"""The content review log (append-only): who approved or asked to change which words, when.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "review_events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("item", sa.String(200), nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("reviewer", sa.String(80), nullable=False),
        sa.Column("comment", sa.Text, nullable=False, server_default=""),
        sa.Column("text_hash", sa.String(64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_review_events_item", "review_events", ["item"])


def downgrade() -> None:
    op.drop_index("ix_review_events_item", "review_events")
    op.drop_table("review_events")
