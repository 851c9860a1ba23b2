"""Alembic's environment and the revisions (`versions/`), run by `annotator.db.migrate`."""
