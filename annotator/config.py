"""The app's settings: defaults, then ANNOTATOR_* environment variables, then `test_config`."""

import getpass
import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_PATH = PROJECT_ROOT / "instance"
DEFAULT_SCHEMA_PATH = PROJECT_ROOT / "seeds" / "schema.toml"
ENV_DATABASE_URL = "ANNOTATOR_DATABASE_URL"


def default_user() -> str:
    """The local annotator until logins exist: ANNOTATOR_USER, else the OS user name."""
    return os.environ.get("ANNOTATOR_USER") or getpass.getuser() or "annotator"


def default_database_url(instance_path: str | Path = INSTANCE_PATH) -> str:
    """The embedded default: an SQLite file in the instance folder, outside tracked files."""
    return f"sqlite:///{Path(instance_path) / 'annotator.sqlite3'}"


def settings(test_config: dict | None = None) -> dict:
    """Every setting the app reads, with test_config applied last."""
    values = {
        "DATABASE_URL": os.environ.get(ENV_DATABASE_URL) or default_database_url(),
        "SCHEMA_PATH": str(DEFAULT_SCHEMA_PATH),
        "SEEDS_DIR": str(PROJECT_ROOT / "seeds"),
        "EXPORTS_DIR": str(PROJECT_ROOT / "exports"),
        "ANNOTATOR_USER": default_user(),
        "DOCUMENTS_PER_PAGE": 50,
        "SPAN_LIST_LIMIT": 300,
    }
    return values | (test_config or {})
