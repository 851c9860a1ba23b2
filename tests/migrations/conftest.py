"""Databases for the migration tests: further fresh ones beside the test's own, and 0.1.0's."""

import itertools
from pathlib import Path

import pytest

from tests.migrations.release_0_1_0 import restore_v0_1_0


@pytest.fixture
def fresh_database(postgres_server, tmp_path: Path):
    """Make another fresh, empty database of the kind the test runs on; its URL."""
    numbers = itertools.count()

    def make() -> str:
        if postgres_server is not None:
            return postgres_server.fresh_url()
        return f"sqlite:///{tmp_path / f'other{next(numbers)}.sqlite3'}"

    return make


@pytest.fixture
def v0_1_0_url(database_url: str) -> str:
    """The test's database, holding a copy of the database release 0.1.0 wrote."""
    restore_v0_1_0(database_url)
    return database_url
