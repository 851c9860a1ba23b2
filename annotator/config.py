"""The app's settings: defaults, then ANNOTATOR_* environment variables, then `test_config`."""

import getpass
import os
import secrets
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_PATH = PROJECT_ROOT / "instance"
DEFAULT_SCHEMA_PATH = PROJECT_ROOT / "seeds" / "schema.toml"
ENV_DATABASE_URL = "ANNOTATOR_DATABASE_URL"
LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")


def default_user() -> str:
    """The local annotator until logins exist: ANNOTATOR_USER, else the OS user name."""
    return os.environ.get("ANNOTATOR_USER") or getpass.getuser() or "annotator"


def default_database_url(instance_path: str | Path = INSTANCE_PATH) -> str:
    """The embedded default: an SQLite file in the instance folder, outside tracked files."""
    return f"sqlite:///{Path(instance_path) / 'annotator.sqlite3'}"


def trusted_hosts() -> list[str]:
    """The Host names served: ANNOTATOR_TRUSTED_HOSTS (comma-separated), else this machine."""
    configured = os.environ.get("ANNOTATOR_TRUSTED_HOSTS", "")
    hosts = [host.strip() for host in configured.split(",") if host.strip()]
    return hosts or list(LOCAL_HOSTS)


def secret_key(instance_path: Path = INSTANCE_PATH) -> str:
    """ANNOTATOR_SECRET_KEY (the same on every app server), else a random key kept in the
    instance folder, made on first start and readable by its owner only."""
    if os.environ.get("ANNOTATOR_SECRET_KEY"):
        return os.environ["ANNOTATOR_SECRET_KEY"]
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it a moment ago
            pass
        else:
            with os.fdopen(descriptor, "w") as file:
                file.write(secrets.token_hex(32))
    return path.read_text().strip()


def byte_limit(variable: str, default: int) -> int:
    """A size limit in bytes from an environment variable, else default."""
    value = os.environ.get(variable, "")
    if not value.strip():
        return default
    if not value.strip().isdigit():
        raise ValueError(f"{variable} must be a number of bytes, not {value!r}")
    return int(value)


def seeding_wanted() -> bool:
    """False when ANNOTATOR_SEEDS says no (off, no, false or 0)."""
    return os.environ.get("ANNOTATOR_SEEDS", "").strip().lower() not in ("off", "no", "false", "0")


def settings(test_config: dict | None = None) -> dict:
    """Every setting the app reads, with test_config applied last."""
    values = {
        "DATABASE_URL": os.environ.get(ENV_DATABASE_URL) or default_database_url(),
        "SCHEMA_PATH": str(DEFAULT_SCHEMA_PATH),
        # The demo articles a brand-new database gets when served; ANNOTATOR_SEEDS=off: none.
        "SEEDS_DIR": str(PROJECT_ROOT / "seeds"),
        "SEEDS": seeding_wanted(),
        "EXPORTS_DIR": str(PROJECT_ROOT / "exports"),
        "ANNOTATOR_USER": default_user(),
        "DOCUMENTS_PER_PAGE": 50,
        "SPAN_LIST_LIMIT": 300,
        "TRUSTED_HOSTS": trusted_hosts(),
        "WTF_CSRF_TIME_LIMIT": None,  # a page left open all day still saves
        "SESSION_COOKIE_SAMESITE": "Lax",
        # Uploads on the import page (larger corpora go through `annotator import`), and the
        # JSON API's bodies, which are small objects.
        "MAX_CONTENT_LENGTH": byte_limit("ANNOTATOR_MAX_UPLOAD_BYTES", 256 * 2**20),
        "MAX_API_BODY_BYTES": byte_limit("ANNOTATOR_MAX_API_BODY_BYTES", 2**20),
    }
    values |= test_config or {}
    if "SECRET_KEY" not in values:
        values["SECRET_KEY"] = secret_key()
    return values
