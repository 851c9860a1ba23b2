"""Bulk inserts for imports: rows straight to the driver."""

from sqlalchemy import Table
from sqlalchemy import insert
from sqlalchemy.engine import Connection


def insert_plain_rows(
    connection: Connection, table: Table, columns: tuple[str, ...], rows: list[tuple]
) -> None:
    """Insert many rows (tuples in the order of columns) through the driver's executemany.

    For bulk imports: it skips SQLAlchemy's per-row parameter processing, so every value must
    already be what the driver takes (ints and strings; no JSON or datetime columns).
    """
    if not rows:
        return
    compiled = insert(table).compile(dialect=connection.dialect, column_keys=list(columns))
    if compiled.positiontup is not None:
        order = [columns.index(key) for key in compiled.positiontup]
        if order != list(range(len(columns))):
            rows = [tuple(row[i] for i in order) for row in rows]
        connection.exec_driver_sql(compiled.string, rows)
    else:
        connection.exec_driver_sql(
            compiled.string, [dict(zip(columns, row, strict=True)) for row in rows]
        )
