"""Alembic's environment and the revisions (`versions/`), run by `annotator.db.migrate`.

A change to the tables is a new revision: change the models, then on a database at head run
`annotator db revision "what changed"`, review the file it writes (SQLite needs its own table
recreation, see 0002), and test it on SQLite and PostgreSQL (`tests/migrations/`).
"""
