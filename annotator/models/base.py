"""What every table shares: constraint names, ids that are never given out twice, UTC
timestamps.

Every table module imports this one first, so the naming convention is on the metadata before
any table is defined.
"""

from datetime import UTC
from datetime import datetime

from sqlalchemy import Column
from sqlalchemy import DateTime
from sqlalchemy import Identity
from sqlalchemy import Integer
from sqlalchemy import func
from sqlmodel import SQLModel

# The names PostgreSQL itself gives (span_pkey, annotator_name_key, span_label_id_fkey), so a
# 0.1.0 PostgreSQL database already carries them; SQLite's batch migrations need every
# constraint named. Check constraints are always named by hand (`%(constraint_name)s`).
NAMING_CONVENTION = {
    "pk": "%(table_name)s_pkey",
    "uq": "%(table_name)s_%(column_0_N_name)s_key",
    "fk": "%(table_name)s_%(column_0_N_name)s_fkey",
    "ix": "%(table_name)s_%(column_0_N_name)s_idx",
    "ck": "%(table_name)s_%(constraint_name)s_check",
}
SQLModel.metadata.naming_convention = NAMING_CONVENTION

# Table option of every table with an `id_column()`: AUTOINCREMENT on SQLite, which otherwise
# gives the id of a deleted newest row to the next row, so a stale request from another tab
# would change that new row.
IDS_NEVER_REUSED = {"sqlite_autoincrement": True}


def id_column() -> Column:
    """An integer primary key that is never given out twice: an identity column on
    PostgreSQL, AUTOINCREMENT on SQLite (with the table's IDS_NEVER_REUSED)."""
    return Column(Integer, Identity(), primary_key=True)


def utc_now() -> datetime:
    """Timestamps are stored in UTC."""
    return datetime.now(UTC)


def timestamp_column() -> Column:
    """A UTC timestamp; the database fills it in when a bulk import leaves it out."""
    return Column(DateTime(timezone=True), nullable=False, server_default=func.now())
