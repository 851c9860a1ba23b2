"""The command line and the database it is pointed at: a bad URL, a missing driver, a server
that does not answer, a file that is not there, or an export aimed at the database itself."""

import pytest

from annotator.cli.main import main


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("bogus://x", "bogus://x is not a database URL annotator can use"),
        ("mysql://someone@localhost/x", "the database driver for mysql://"),
        (
            "postgresql+psycopg://someone:secret@127.0.0.1:1/x",
            "cannot open the database postgresql+psycopg://someone:***@127.0.0.1:1/x",
        ),
    ],
    ids=["unknown-scheme", "missing-driver", "no-server"],
)
def test_an_unusable_database_is_one_line_not_a_traceback(runner, url, message):
    result = runner.invoke(main, ["--db", url, "schema", "show"])
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output and "secret" not in result.output


def test_export_from_a_database_that_does_not_exist_is_refused(runner, tmp_path):

    missing = tmp_path / "typo.sqlite3"
    out = tmp_path / "train.jsonl"
    out.write_text("the good training set\n")
    result = runner.invoke(main, ["--db", f"sqlite:///{missing}", "export", "--out", str(out)])
    assert result.exit_code == 1
    assert f"there is no database at {missing}" in result.output
    assert not missing.exists()
    assert out.read_text() == "the good training set\n"


def test_export_onto_the_database_itself_is_refused(runner, tmp_path):
    # An SQLite file of its own, also when the suite runs on PostgreSQL.
    database = tmp_path / "project.sqlite3"
    url = f"sqlite:///{database}"
    article = tmp_path / "article.txt"
    article.write_text("An article about Lisbon.")
    assert runner.invoke(main, ["--db", url, "import", str(article)]).exit_code == 0
    result = runner.invoke(main, ["--db", url, "export", "--out", str(database)])
    assert result.exit_code == 1
    assert "is the database itself" in result.output
    shown = runner.invoke(main, ["--db", url, "schema", "show"])
    assert shown.exit_code == 0 and "[[layer]]" in shown.output
