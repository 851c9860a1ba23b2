"""Demo articles go into a brand-new database only, once, and never when the user said no."""

import subprocess
import sys

from click.testing import CliRunner

from annotator import create_app
from annotator.cli.main import main

SEED_ARTICLES = 3


def document_total(app) -> int:
    return app.test_client().get("/api/documents").json["total"]


def test_a_new_database_gets_the_demo_articles(app):
    assert document_total(app) == SEED_ARTICLES


def test_a_database_the_cli_created_gets_no_demo_articles(app_config):
    created = CliRunner().invoke(main, ["--db", app_config["DATABASE_URL"], "schema", "show"])
    assert created.exit_code == 0, created.output
    assert document_total(create_app(app_config)) == 0


def test_annotator_seeds_setting_turns_them_off(app_config, monkeypatch):
    monkeypatch.setenv("ANNOTATOR_SEEDS", "off")
    assert document_total(create_app(app_config)) == 0


def test_serve_no_seeds(app_config, monkeypatch):
    from annotator.cli import serve

    served = []
    monkeypatch.setattr(serve, "run_gunicorn", lambda app, **_options: served.append(app))
    result = CliRunner().invoke(
        main, ["--db", app_config["DATABASE_URL"], "serve", "--no-seeds"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    assert document_total(served[0]) == 0


STARTER = """
import sys
from annotator import create_app
create_app({"DATABASE_URL": sys.argv[1], "ANNOTATOR_USER": "alice", "SECRET_KEY": "t"})
"""


def test_servers_starting_together_on_a_new_database_seed_it_once(database_url):
    starters = [
        subprocess.Popen(
            [sys.executable, "-c", STARTER, database_url],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(4)
    ]
    outputs = [starter.communicate(timeout=120)[0] for starter in starters]
    assert [starter.returncode for starter in starters] == [0] * 4, outputs
    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "t", "TESTING": True})
    assert document_total(app) == SEED_ARTICLES
    shown = CliRunner().invoke(main, ["--db", database_url, "schema", "show"]).output
    assert shown.count('name = "PERSON"') == 1
