"""The 0.1.0 databases of fixtures/ restored into a test's database, and what they hold."""

import re
import sqlite3
from contextlib import closing
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy import inspect
from sqlalchemy.engine import make_url

FIXTURES = Path(__file__).resolve().parent / "fixtures"
# Every table of 0.1.0, parents first, and the columns that order its rows.
TABLES = {
    "setting": "key",
    "layer": "id",
    "label": "id",
    "annotator": "id",
    "document": "id",
    "document_status": "document_id, annotator_id",
    "span": "id",
    "suggestion": "id",
}
CRLF_EMOJI_TEXT = "Angela Merkel 👩\u200d🔬 met 🇫🇷 Macron\r\nin Berlin.\r\nCafé au lait."


def is_sqlite(database_url: str) -> bool:
    return make_url(database_url).get_backend_name() == "sqlite"


def schema_name(database_url: str) -> str:
    """The PostgreSQL schema of a test URL (tests/postgres.py puts it in search_path)."""
    return make_url(database_url).query["options"].split("search_path=")[1]


def restore_v0_1_0(database_url: str) -> None:
    """Make the test's (empty) database a copy of the 0.1.0 fixture."""
    if is_sqlite(database_url):
        # A text dump (`iterdump` of the file 0.1.0 wrote), so no database file is tracked;
        # read as bytes: text mode would turn the CRLF inside the documents into LF.
        dump = (FIXTURES / "v0_1_0.sqlite.sql").read_bytes().decode("utf-8")
        with closing(sqlite3.connect(make_url(database_url).database)) as connection:
            connection.executescript(dump)
        return
    # Bytes, decoded: reading as text would turn the CRLF inside the documents into LF.
    dump = (FIXTURES / "v0_1_0.postgres.sql").read_bytes().decode("utf-8")
    schema = schema_name(database_url)
    dump = dump.replace("CREATE SCHEMA annotator_v0_1_0;", "")
    dump = dump.replace("annotator_v0_1_0.", f"{schema}.")
    engine = create_engine(database_url)
    try:
        connection = engine.raw_connection()
        with connection.cursor() as cursor:
            cursor.execute(dump)  # no parameters: psycopg runs every statement
        connection.commit()
        connection.close()
    finally:
        engine.dispose()


def all_rows(database_url: str) -> dict[str, list[tuple]]:
    """Every row of every 0.1.0 table as the driver returns it (SQLite: the stored values)."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            return {
                table: [
                    tuple(row)
                    for row in connection.exec_driver_sql(
                        f'SELECT * FROM "{table}" ORDER BY {order}'
                    )
                ]
                for table, order in TABLES.items()
            }
    finally:
        engine.dispose()


def _without_casts(expression: str) -> str:
    """A check's expression without its casts: a table restored from pg_dump spells
    `status IN ('new', ...)` with other (equivalent) casts than one created directly."""
    return re.sub(r"::[a-z ]+(\[\])?", "", expression)


def table_definitions(database_url: str) -> dict:
    """The tables as the database describes them: SQLite's own CREATE statements, or what
    PostgreSQL reports of columns, defaults, identity and named constraints."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            if is_sqlite(database_url):
                rows = connection.exec_driver_sql(
                    "SELECT type, name, tbl_name, sql FROM sqlite_master "
                    "WHERE tbl_name != 'alembic_version' ORDER BY name"
                )
                return {"sqlite_master": [tuple(row) for row in rows]}
            inspector = inspect(connection)
            return {
                table: {
                    "columns": [
                        {key: str(value) for key, value in column.items()}
                        for column in inspector.get_columns(table)
                    ],
                    "pk": inspector.get_pk_constraint(table),
                    "unique": inspector.get_unique_constraints(table),
                    "foreign": inspector.get_foreign_keys(table),
                    "check": [
                        (check["name"], _without_casts(check["sqltext"]))
                        for check in inspector.get_check_constraints(table)
                    ],
                    "indexes": inspector.get_indexes(table),
                }
                for table in sorted(inspector.get_table_names())
                if table != "alembic_version"
            }
    finally:
        engine.dispose()
