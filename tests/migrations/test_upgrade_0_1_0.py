"""A database written by release 0.1.0 is refused until `annotator db upgrade`, which keeps
every document, span, status, suggestion, annotator and label exactly as it was."""

import pytest
from click.testing import CliRunner
from sqlalchemy import inspect
from sqlalchemy import text

from annotator import create_app
from annotator.cli.main import main
from annotator.db.engine import make_engine
from annotator.db.migrate import DatabaseVersionError
from annotator.db.migrate import upgrade_database
from tests.migrations.release_0_1_0 import CRLF_EMOJI_TEXT
from tests.migrations.release_0_1_0 import all_rows
from tests.migrations.release_0_1_0 import is_sqlite
from tests.migrations.release_0_1_0 import table_definitions

UPGRADE_HINT = "back it up, then run `annotator db upgrade`"


def invoke(database_url: str, *arguments: str):
    """Run the real `annotator` command group on the database."""
    return CliRunner().invoke(main, ["--db", database_url, "--user", "alice", *arguments])


def upgrade(database_url: str, to: str = "head") -> None:
    """Upgrade the database to `to`, as `annotator db upgrade` does."""
    engine = make_engine(database_url)
    try:
        upgrade_database(engine, to=to)
    finally:
        engine.dispose()


def test_the_fixture_holds_what_0_1_0_wrote(v0_1_0_url):
    rows = all_rows(v0_1_0_url)
    assert [name for _id, name in rows["annotator"]] == ["alice", "bob", "carol"]
    documents = {row[0]: row for row in rows["document"]}
    assert documents["crlf-emoji"][2] == CRLF_EMOJI_TEXT
    assert [row[:3] for row in rows["document_status"]] == [
        ("crlf-emoji", 1, "done"),
        ("crlf-emoji", 2, "in_progress"),
        ("plain", 1, "in_progress"),
        ("plain", 3, "skipped"),
    ]
    assert [(row[0], row[6]) for row in rows["span"]][4] == (5, CRLF_EMOJI_TEXT[:43])
    assert [row[:6] + row[7:10] for row in rows["suggestion"]] == [
        (1, "plain", 2, 4, 9, "union", "model-x", 0.75, "pending")
    ]
    assert len(rows["label"]) == 11 and len(rows["layer"]) == 3


def test_db_upgrade_keeps_every_row_exactly(v0_1_0_url):
    before = all_rows(v0_1_0_url)
    result = invoke(v0_1_0_url, "db", "upgrade")
    assert result.exit_code == 0, result.output
    assert result.output == "upgraded 0.1.0 (before migrations) to revision 0002 (head)\n"
    assert all_rows(v0_1_0_url) == before
    assert invoke(v0_1_0_url, "db", "current").output == "0002 (head)\n"
    again = invoke(v0_1_0_url, "db", "upgrade")
    assert again.output == "already at revision 0002 (head); nothing to do\n"


def test_after_the_upgrade_ids_go_on_after_the_largest(v0_1_0_url, app_config):
    upgrade(v0_1_0_url)
    client = create_app(app_config).test_client()
    ids = []
    for _ in range(2):
        created = client.post(
            "/api/documents/plain/spans", json={"start": 39, "end": 48, "label": "ORG"}
        )
        assert created.status_code == 201, created.json
        ids.append(created.json["id"])
        assert client.delete(f"/api/spans/{ids[-1]}").status_code == 200
    assert ids == [7, 8]  # 0.1.0 wrote spans 1-6
    dave = create_app(app_config | {"ANNOTATOR_USER": "dave"}).test_client()
    assert dave.post("/api/documents/plain/status", json={"status": "done"}).status_code == 200
    engine = make_engine(v0_1_0_url)
    with engine.connect() as connection:
        annotator_id = connection.execute(text("SELECT id FROM annotator WHERE name = 'dave'"))
        assert annotator_id.scalar_one() == 4
    engine.dispose()


def test_the_app_refuses_a_database_behind_head(v0_1_0_url, app_config):
    with pytest.raises(DatabaseVersionError) as refused:
        create_app(app_config)
    assert "from annotator 0.1.0 and needs revision 0002" in str(refused.value)
    assert str(refused.value).endswith(UPGRADE_HINT)


def test_a_database_stamped_at_the_baseline_is_behind_too(v0_1_0_url, app_config):
    upgrade(v0_1_0_url, to="0001")
    with pytest.raises(DatabaseVersionError, match="is at revision 0001 and needs revision 0002"):
        create_app(app_config)
    assert invoke(v0_1_0_url, "db", "current").output == (
        "0001: behind head 0002; run `annotator db upgrade`\n"
    )


@pytest.mark.parametrize(
    "arguments",
    [
        ["serve", "--port", "1"],
        ["export"],
        ["import", __file__],
        ["schema", "show"],
        ["suggest", "--patterns", __file__],
    ],
    ids=lambda arguments: arguments[0],
)
def test_every_command_refuses_a_database_behind_head(v0_1_0_url, arguments):
    before = all_rows(v0_1_0_url)
    result = invoke(v0_1_0_url, *arguments)
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)  # a message, not a traceback
    assert result.output.startswith("Error: the database ")
    assert result.output.rstrip().endswith(UPGRADE_HINT)
    assert all_rows(v0_1_0_url) == before


def test_db_current_names_where_a_0_1_0_database_stands(v0_1_0_url):
    result = invoke(v0_1_0_url, "db", "current")
    assert result.exit_code == 0
    assert result.output == (
        "0.1.0, before migrations: behind head 0002; run `annotator db upgrade`\n"
    )


def test_a_database_from_a_newer_annotator_is_refused(database_url, app_config):
    upgrade(database_url)
    engine = make_engine(database_url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0099'"))
    engine.dispose()
    with pytest.raises(DatabaseVersionError, match="at revision 0099, which this annotator"):
        create_app(app_config)
    result = invoke(database_url, "db", "upgrade")
    assert result.exit_code == 1 and "does not know" in result.output
    assert "unknown to this annotator" in invoke(database_url, "db", "current").output


def test_db_upgrade_and_current_on_an_empty_database(database_url):
    assert invoke(database_url, "db", "current").output.startswith("empty database")
    result = invoke(database_url, "db", "upgrade")
    assert result.output == "upgraded an empty database to revision 0002 (head)\n"
    assert invoke(database_url, "db", "current").output == "0002 (head)\n"


def test_every_id_counter_goes_on_where_0_1_0_left_it(v0_1_0_url):
    upgrade(v0_1_0_url)
    engine = make_engine(v0_1_0_url)
    with engine.connect() as connection:
        if is_sqlite(v0_1_0_url):
            counters = dict(
                connection.exec_driver_sql("SELECT name, seq FROM sqlite_sequence").all()
            )
        else:
            counters = {
                table: connection.execute(
                    text(f"SELECT last_value FROM {sequence} WHERE is_called")
                ).scalar_one()
                for table in ("annotator", "layer", "label", "span", "suggestion")
                if (
                    sequence := connection.execute(
                        text("SELECT pg_get_serial_sequence(:table, 'id')"), {"table": table}
                    ).scalar_one()
                )
            }
    engine.dispose()
    assert counters == {"annotator": 3, "layer": 3, "label": 11, "span": 6, "suggestion": 1}


def test_an_upgrade_that_fails_changes_nothing(v0_1_0_url):
    if not is_sqlite(v0_1_0_url):
        pytest.skip("PostgreSQL keeps every foreign key: no orphan to plant")
    engine = make_engine(v0_1_0_url)  # its connections turn foreign keys on
    with engine.begin() as connection:
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        connection.exec_driver_sql("UPDATE span SET document_id = 'gone' WHERE id = 6")
    engine.dispose()
    before = all_rows(v0_1_0_url), table_definitions(v0_1_0_url)
    result = invoke(v0_1_0_url, "db", "upgrade")
    assert result.exit_code == 1
    assert "nothing was upgraded: rows refer to rows that do not exist" in result.output
    assert "('span', 6, 'document')" in result.output
    assert (all_rows(v0_1_0_url), table_definitions(v0_1_0_url)) == before
    engine = make_engine(v0_1_0_url)
    assert "alembic_version" not in inspect(engine).get_table_names()  # not even the stamp
    engine.dispose()
