"""A fresh app with its own temporary SQLite database for every test."""

from pathlib import Path

import pytest

from annotator import create_app

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@pytest.fixture
def app_config(tmp_path: Path) -> dict:
    """Settings for a test app: temp database and exports, the real schema and seeds."""
    return {
        "TESTING": True,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'annotator.sqlite3'}",
        "EXPORTS_DIR": str(tmp_path / "exports"),
        "SEEDS_DIR": str(SEEDS),
        "ANNOTATOR_USER": "alice",
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
    from annotator.corpus import SourceDocument
    from annotator.db import engine_of
    from annotator.importing import import_documents

    document = SourceDocument(text=text, source=f"{document_id}.txt", id=document_id)
    import_documents(engine_of(app), [document], name=document.source, annotator_name="alice")
