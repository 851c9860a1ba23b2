"""A throwaway PostgreSQL server for `pytest --postgres`, from Debian's postgresql package.

The same tests that run on SQLite run against it, each in a schema of its own, so the code
shows it needs a change of URL and nothing else.
"""

import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

USER = "annotator"


def _binaries() -> Path:
    """The newest installed PostgreSQL's bin folder, or a clear failure."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        pytest.fail(
            "PostgreSQL not found under /usr/lib/postgresql: run `make test`, which installs "
            "Debian's postgresql package"
        )
    return Path(found[-1]).parent


def _as_server_user(command: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: run it as the postgres user then."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PostgresServer:
    """initdb + pg_ctl in a temporary folder, on a free loopback port."""

    def __init__(self) -> None:
        self.binaries = _binaries()
        self.folder = Path(tempfile.mkdtemp(prefix="annotator-pg-"))
        self.port = _free_port()
        self._schemas = itertools.count()
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres")

    def _run(self, *command: str) -> None:
        subprocess.run(_as_server_user(list(command)), check=True, capture_output=True)

    def start(self) -> "PostgresServer":
        data = str(self.folder / "data")
        self._run(str(self.binaries / "initdb"), "-D", data, "-A", "trust", "-U", USER)
        options = f"-k {self.folder} -p {self.port} -c listen_addresses=127.0.0.1 -c fsync=off"
        log = str(self.folder / "server.log")
        self._run(
            str(self.binaries / "pg_ctl"), "-D", data, "-o", options, "-l", log, "-w", "start"
        )
        return self

    def stop(self) -> None:
        self._run(
            str(self.binaries / "pg_ctl"), "-D", str(self.folder / "data"), "-m", "fast", "stop"
        )
        shutil.rmtree(self.folder, ignore_errors=True)

    def fresh_url(self) -> str:
        """A URL whose tables live in a new, empty schema."""
        import psycopg

        schema = f"test_{next(self._schemas)}_{int(time.time() * 1000) % 100000}"
        with psycopg.connect(host="127.0.0.1", port=self.port, user=USER, dbname="postgres") as db:
            db.execute(f"CREATE SCHEMA {schema}")
        return (
            f"postgresql+psycopg://{USER}@127.0.0.1:{self.port}/postgres"
            f"?options=-csearch_path%3D{schema}"
        )
