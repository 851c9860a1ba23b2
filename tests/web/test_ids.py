"""Ids never come back: a span (or suggestion) deleted as the newest row leaves its id unused,
so a stale request from another tab answers 404 instead of changing the next new row.

The reproduction of issue 6: create span 411, delete it, create another; SQLite gave the new
one id 411, and the stale `DELETE /api/spans/411` deleted it.
"""

from sqlalchemy import delete
from sqlalchemy import select

from annotator.db.session import engine_of
from annotator.db.session import session_scope
from annotator.formats.records import Annotation
from annotator.formats.records import DocumentRecord
from annotator.models.suggestions import Suggestion
from annotator.transfer.importing import ImportOptions
from annotator.transfer.importing import import_documents

FIRST = "000_51c87e8e1bb75467"
SECOND = "001_c9f05260d45702f5"


def create_span(client, document_id: str, label: str = "CLAIM") -> int:
    """A new span over the document's first 7 code points; its id."""
    created = client.post(
        f"/api/documents/{document_id}/spans", json={"start": 0, "end": 7, "label": label}
    )
    assert created.status_code == 201, created.json
    return created.json["id"]


def span_labels(client, document_id: str) -> dict[int, str]:
    """The current annotator's spans of the document: id -> label."""
    spans = client.get(f"/api/documents/{document_id}").json["spans"]
    return {span["id"]: span["label"] for span in spans}


def test_a_stale_api_delete_answers_404_and_the_new_span_survives(client):
    old = create_span(client, FIRST)
    assert client.delete(f"/api/spans/{old}").status_code == 200
    new = create_span(client, FIRST)
    assert new != old
    stale = client.delete(f"/api/spans/{old}")
    assert stale.status_code == 404
    assert f"span {old} no longer exists" in stale.json["error"]
    assert span_labels(client, FIRST) == {new: "CLAIM"}


def test_a_stale_api_relabel_answers_404_and_changes_nothing(client):
    old = create_span(client, FIRST)
    client.delete(f"/api/spans/{old}")
    new = create_span(client, FIRST)
    stale = client.patch(f"/api/spans/{old}", json={"label": "FAVOR"})
    assert stale.status_code == 404 and f"span {old}" in stale.json["error"]
    assert span_labels(client, FIRST) == {new: "CLAIM"}


def test_stale_page_edits_answer_404_even_across_documents(client):
    old = create_span(client, FIRST)
    assert client.delete(f"/spans/{old}", headers={"HX-Request": "true"}).status_code == 200
    new = create_span(client, SECOND)
    assert new != old
    for response in (
        client.post(f"/spans/{old}/label", data={"label": "FAVOR"}, headers={"HX-Request": "true"}),
        client.delete(f"/spans/{old}", headers={"HX-Request": "true"}),
    ):
        assert response.status_code == 404
        assert f"span {old} no longer exists" in response.text
    assert span_labels(client, SECOND) == {new: "CLAIM"}
    assert span_labels(client, FIRST) == {}


def add_suggestion(app, document_id: str, text: str) -> int:
    """Import one pending suggestion over the first word of a new document; its id."""
    document = DocumentRecord(
        text=text, id=document_id, spans=[Annotation(0, text.index(" "), "ORG")]
    )
    options = ImportOptions(annotator_name="alice", as_suggestions=True, source="model-x")
    import_documents(engine_of(app), [document], options, name=f"{document_id}.jsonl")
    with session_scope(engine_of(app)) as session:
        return session.execute(
            select(Suggestion.id).where(Suggestion.document_id == document_id)
        ).scalar_one()


def test_stale_suggestion_decisions_answer_404(app, client):
    old = add_suggestion(app, "first", "Reuters reported it.")
    with session_scope(engine_of(app)) as session:  # as a deleted document takes its own
        session.execute(delete(Suggestion).where(Suggestion.id == old))
        session.commit()
    new = add_suggestion(app, "second", "Unicef reported it.")
    assert new != old
    for action in ("accept", "reject"):
        response = client.post(f"/suggestions/{old}/{action}", headers={"HX-Request": "true"})
        assert response.status_code == 404, action
        assert f"suggestion {old} no longer exists" in response.text
    with session_scope(engine_of(app)) as session:
        assert session.get(Suggestion, new).status == "pending"
