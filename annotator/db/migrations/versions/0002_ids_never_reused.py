"""Ids are never given out twice, and every constraint has its conventional name.

SQLite gave the id of a deleted newest row to the next row, so a stale request from another
tab changed that new row. Now: AUTOINCREMENT on SQLite (every table recreated, rows copied as
they are; SQLite's sqlite_sequence starts at each table's largest id), identity columns on
PostgreSQL (each continuing exactly where its serial sequence was). Constraints take the names
of `annotator.models.base.NAMING_CONVENTION`: on PostgreSQL only the check constraints change;
on SQLite every unnamed constraint gets its name.

A 0.1.0 SQLite database cannot tell which ids above its largest it once gave out; those are
the only ids that can come back, once.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.schema import CreateTable

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

NAMING_CONVENTION = {
    "pk": "%(table_name)s_pkey",
    "uq": "%(table_name)s_%(column_0_N_name)s_key",
    "fk": "%(table_name)s_%(column_0_N_name)s_fkey",
    "ix": "%(table_name)s_%(column_0_N_name)s_idx",
    "ck": "%(table_name)s_%(constraint_name)s_check",
}
ID_TABLES = ("layer", "label", "annotator", "span", "suggestion")
CHECK_RENAMES = [
    ("document_status", "status_is_known", "document_status_status_is_known_check"),
    ("span", "start_not_negative", "span_start_not_negative_check"),
    ("span", "start_before_end", "span_start_before_end_check"),
    ("suggestion", "suggestion_start_not_negative", "suggestion_start_not_negative_check"),
    ("suggestion", "suggestion_start_before_end", "suggestion_start_before_end_check"),
    ("suggestion", "suggestion_status_is_known", "suggestion_status_is_known_check"),
]


def _id() -> sa.Column:
    """An id never given out twice (with the table's sqlite_autoincrement)."""
    return sa.Column("id", sa.Integer(), sa.Identity(), primary_key=True)


def _timestamp(name: str) -> sa.Column:
    """A timestamp the database fills in when an insert leaves it out."""
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now())


def _reference(target: str, ondelete: str) -> sa.ForeignKey:
    """A foreign key to target (table.column)."""
    return sa.ForeignKey(target, ondelete=ondelete)


def tables_0002() -> sa.MetaData:
    """The tables as this revision leaves them (a frozen copy of the models)."""
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)
    never_reused = {"sqlite_autoincrement": True}
    sa.Table(
        "setting",
        metadata,
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.String(), nullable=False),
    )
    sa.Table(
        "layer",
        metadata,
        _id(),
        sa.Column("name", sa.String(64), unique=True, nullable=False),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("description", sa.String(), nullable=False),
        sa.Column("allow_overlap", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        **never_reused,
    )
    sa.Table(
        "label",
        metadata,
        _id(),
        sa.Column("name", sa.String(64), unique=True, nullable=False),
        sa.Column("layer_id", sa.Integer(), _reference("layer.id", "RESTRICT"), nullable=False),
        sa.Column("color", sa.String(), nullable=False),
        sa.Column("hotkey", sa.String(), nullable=False),
        sa.Column("description", sa.String(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        **never_reused,
    )
    sa.Table(
        "annotator",
        metadata,
        _id(),
        sa.Column("name", sa.String(128), unique=True, nullable=False),
        **never_reused,
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
        _id(),
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
        **never_reused,
    )
    sa.Table(
        "suggestion",
        metadata,
        _id(),
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
        sa.CheckConstraint("start >= 0", name="start_not_negative"),
        sa.CheckConstraint('start < "end"', name="start_before_end"),
        sa.CheckConstraint("status IN ('pending', 'accepted', 'rejected')", name="status_is_known"),
        sa.UniqueConstraint("document_id", "source", "label_id", "start", "end"),
        **never_reused,
    )
    return metadata


def _upgrade_sqlite() -> None:
    """Recreate every table in its new shape, parents first, with SQLite's own recipe: the
    new table under a temporary name, every row copied as stored, the old one dropped, the
    new one renamed. `annotator.db.migrate` turns foreign keys off around it (dropping a
    parent must not delete its children) and checks them all before committing. Not
    alembic's batch mode: its constraint order changes from run to run."""
    bind = op.get_bind()
    for table in tables_0002().sorted_tables:
        create = str(CreateTable(table).compile(dialect=bind.dialect)).strip()
        prefix = f"CREATE TABLE {table.name} ("
        assert create.startswith(prefix), create
        temporary = f"_new_{table.name}"
        op.execute(f"CREATE TABLE {temporary} ({create[len(prefix) :]}")
        columns = ", ".join(f'"{column.name}"' for column in table.columns)
        op.execute(f"INSERT INTO {temporary} ({columns}) SELECT {columns} FROM {table.name}")
        op.execute(f"DROP TABLE {table.name}")
        op.execute(f"ALTER TABLE {temporary} RENAME TO {table.name}")


def _serial_to_identity(table: str) -> None:
    """Make table.id an identity column that goes on exactly where its serial sequence was."""
    bind = op.get_bind()
    sequence = bind.execute(sa.text(f"SELECT pg_get_serial_sequence('{table}', 'id')")).scalar()
    last_value, is_called = bind.execute(
        sa.text(f"SELECT last_value, is_called FROM {sequence}")
    ).one()
    op.execute(f"ALTER TABLE {table} ALTER COLUMN id DROP DEFAULT")
    op.execute(f"DROP SEQUENCE {sequence}")
    op.execute(f"ALTER TABLE {table} ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY")
    bind.execute(
        sa.text("SELECT setval(pg_get_serial_sequence(:table, 'id'), :value, :called)"),
        {"table": table, "value": last_value, "called": is_called},
    )


def _upgrade_postgresql() -> None:
    """Rename the check constraints; make every serial id an identity column."""
    for table, old, new in CHECK_RENAMES:
        op.execute(f"ALTER TABLE {table} RENAME CONSTRAINT {old} TO {new}")
    for table in ID_TABLES:
        _serial_to_identity(table)


def upgrade() -> None:
    """SQLite recreates its tables; PostgreSQL alters them in place."""
    if op.get_bind().dialect.name == "sqlite":
        _upgrade_sqlite()
    else:
        _upgrade_postgresql()


def downgrade() -> None:
    raise NotImplementedError("0002 is not undone: restore the backup taken before upgrading")
