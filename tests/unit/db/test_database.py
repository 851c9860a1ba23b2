"""Guarantees the database itself keeps: foreign keys cascade, offsets are checked."""

import pytest
from sqlalchemy import delete
from sqlalchemy import func
from sqlalchemy import insert
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from annotator.db.session import engine_of
from annotator.db.session import session_scope
from annotator.models.annotations import DocumentStatus
from annotator.models.annotations import Span
from annotator.models.documents import Document

SEED = "001_c9f05260d45702f5"


def count(session, table) -> int:
    return session.execute(select(func.count()).select_from(table)).scalar_one()


def test_deleting_a_document_cascades_to_its_spans_and_statuses(app, client):
    client.post(f"/api/documents/{SEED}/spans", json={"start": 0, "end": 7, "label": "NORP"})
    with session_scope(engine_of(app)) as session:
        assert count(session, Span) == 1 and count(session, DocumentStatus) == 1
        session.execute(delete(Document).where(Document.id == SEED))
        session.commit()
        assert count(session, Span) == 0 and count(session, DocumentStatus) == 0


@pytest.mark.parametrize(
    ("start", "end"), [(-1, 3), (5, 5), (6, 2)], ids=["negative", "empty", "reversed"]
)
def test_database_refuses_bad_offsets_even_past_the_services(app, client, start, end):
    client.post(f"/api/documents/{SEED}/spans", json={"start": 0, "end": 7, "label": "NORP"})
    with session_scope(engine_of(app)) as session:
        row = session.execute(select(Span)).scalar_one()
        values = {
            "document_id": row.document_id,
            "annotator_id": row.annotator_id,
            "label_id": row.label_id,
            "start": start,
            "end": end,
            "text": "",
            "created_at": row.created_at,
            "updated_at": row.updated_at,
        }
        with pytest.raises(IntegrityError):
            session.execute(insert(Span).values(**values))
