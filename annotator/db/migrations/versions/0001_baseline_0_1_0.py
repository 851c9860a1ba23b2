"""Baseline: the tables of release 0.1.0, exactly as its `create_all` made them.

A 0.1.0 database (our tables, no alembic_version) is stamped with this revision, then upgraded.
The tables are a frozen copy, never the current models: a revision must not change when the
models do.

Revision ID: 0001
Revises:
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _timestamp(name: str) -> sa.Column:
    """A timestamp the database fills in when an insert leaves it out."""
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now())


def _reference(target: str, ondelete: str) -> sa.ForeignKey:
    """A foreign key to target (table.column)."""
    return sa.ForeignKey(target, ondelete=ondelete)


def tables_0_1_0() -> sa.MetaData:
    """0.1.0's tables in its models' order, on a metadata without a naming convention: its
    PostgreSQL constraints have the server's default names, its SQLite ones none."""
    metadata = sa.MetaData()
    sa.Table(
        "setting",
        metadata,
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.String(), nullable=False),
    )
    sa.Table(
        "layer",
        metadata,
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(64), unique=True, nullable=False),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("description", sa.String(), nullable=False),
        sa.Column("allow_overlap", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
    )
    sa.Table(
        "label",
        metadata,
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(64), unique=True, nullable=False),
        sa.Column("layer_id", sa.Integer(), _reference("layer.id", "RESTRICT"), nullable=False),
        sa.Column("color", sa.String(), nullable=False),
        sa.Column("hotkey", sa.String(), nullable=False),
        sa.Column("description", sa.String(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
    )
    sa.Table(
        "annotator",
        metadata,
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(128), unique=True, nullable=False),
    )
    sa.Table(
        "document",
        metadata,
        sa.Column("id", sa.String(256), primary_key=True),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("source", sa.String(), nullable=False),
        sa.Column("meta", sa.JSON(), nullable=False),
        sa.Column("content_hash", sa.String(64), unique=True, nullable=False),
        _timestamp("created_at"),
    )
    sa.Table(
        "document_status",
        metadata,
        sa.Column(
            "document_id", sa.String(256), _reference("document.id", "CASCADE"), primary_key=True
        ),
        sa.Column(
            "annotator_id", sa.Integer(), _reference("annotator.id", "CASCADE"), primary_key=True
        ),
        sa.Column("status", sa.String(), nullable=False),
        _timestamp("updated_at"),
        sa.CheckConstraint(
            "status IN ('new', 'in_progress', 'done', 'skipped')", name="status_is_known"
        ),
    )
    sa.Table(
        "span",
        metadata,
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "document_id", sa.String(256), _reference("document.id", "CASCADE"), nullable=False
        ),
        sa.Column(
            "annotator_id", sa.Integer(), _reference("annotator.id", "CASCADE"), nullable=False
        ),
        sa.Column("label_id", sa.Integer(), _reference("label.id", "RESTRICT"), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("fragments", sa.JSON(), nullable=True),
        _timestamp("created_at"),
        _timestamp("updated_at"),
        sa.CheckConstraint("start >= 0", name="start_not_negative"),
        sa.CheckConstraint('start < "end"', name="start_before_end"),
        sa.UniqueConstraint("document_id", "annotator_id", "label_id", "start", "end"),
    )
    sa.Table(
        "suggestion",
        metadata,
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "document_id", sa.String(256), _reference("document.id", "CASCADE"), nullable=False
        ),
        sa.Column("label_id", sa.Integer(), _reference("label.id", "RESTRICT"), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("fragments", sa.JSON(), nullable=True),
        sa.Column("source", sa.String(128), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("status", sa.String(), nullable=False),
        _timestamp("created_at"),
        sa.CheckConstraint("start >= 0", name="suggestion_start_not_negative"),
        sa.CheckConstraint('start < "end"', name="suggestion_start_before_end"),
        sa.CheckConstraint(
            "status IN ('pending', 'accepted', 'rejected')", name="suggestion_status_is_known"
        ),
        sa.UniqueConstraint("document_id", "source", "label_id", "start", "end"),
    )
    return metadata


def upgrade() -> None:
    """Create 0.1.0's tables (an existing 0.1.0 database is only stamped)."""
    tables_0_1_0().create_all(op.get_bind())


def downgrade() -> None:
    """Drop every table."""
    tables_0_1_0().drop_all(op.get_bind())
