"""A fresh app with its own temporary SQLite database for every test."""

from pathlib import Path

import pytest

from annotator import create_app

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--postgres",
        action="store_true",
        help="run against a real PostgreSQL server started for the session (Debian's package)",
    )


@pytest.fixture(autouse=True)
def dispose_engines(monkeypatch: pytest.MonkeyPatch):
    """Close the connection pools of every app (and CLI run) a test created."""
    from annotator.db import session as db

    engines = []
    make_engine = db.make_engine

    def recording_make_engine(url: str):
        engine = make_engine(url)
        engines.append(engine)
        return engine

    monkeypatch.setattr(db, "make_engine", recording_make_engine)
    yield
    for engine in engines:
        engine.dispose()


@pytest.fixture(scope="session")
def postgres_server(request: pytest.FixtureRequest):
    """A PostgreSQL server for the session when --postgres is given, else None."""
    if not request.config.getoption("--postgres"):
        yield None
        return
    from tests.postgres import PostgresServer

    server = PostgresServer().start()
    yield server
    server.stop()


@pytest.fixture
def database_url(postgres_server, tmp_path: Path) -> str:
    """A fresh, empty database for one test: an SQLite file, or a PostgreSQL schema."""
    if postgres_server is not None:
        return postgres_server.fresh_url()
    return f"sqlite:///{tmp_path / 'annotator.sqlite3'}"


@pytest.fixture
def app_config(tmp_path: Path, database_url: str) -> dict:
    """Settings for a test app: temp database and exports, the real schema and seeds."""
    return {
        "TESTING": True,
        "DATABASE_URL": database_url,
        "EXPORTS_DIR": str(tmp_path / "exports"),
        "SEEDS_DIR": str(SEEDS),
        "ANNOTATOR_USER": "alice",
        # The Flask client posts without pages, so without tokens; tests/web/test_security.py
        # and the browser tests run with CSRF tokens on.
        "WTF_CSRF_ENABLED": False,
        "SECRET_KEY": "tests",
    }


@pytest.fixture
def app(app_config: dict):
    """The app, seeded with the three sample articles and the default schema."""
    return create_app(app_config)


@pytest.fixture
def client(app):
    """A Flask test client."""
    return app.test_client()


@pytest.fixture
def runner(app_config: dict, monkeypatch: pytest.MonkeyPatch):
    """A click runner whose commands use the test database."""
    from click.testing import CliRunner

    monkeypatch.setenv("ANNOTATOR_DATABASE_URL", app_config["DATABASE_URL"])
    monkeypatch.setenv("ANNOTATOR_USER", app_config["ANNOTATOR_USER"])
    return CliRunner()


def add_document(app, text: str, document_id: str) -> None:
    """Import one text as a document, through the real importer."""
    from annotator.db.session import engine_of
    from annotator.formats.records import DocumentRecord
    from annotator.transfer.importing import ImportOptions
    from annotator.transfer.importing import import_documents

    document = DocumentRecord(text=text, source=f"{document_id}.txt", id=document_id)
    options = ImportOptions(annotator_name="alice")
    import_documents(engine_of(app), [document], options, name=document.source)
