"""The JSON API: the same rules as the pages, offsets in code points."""

import pytest

from tests.conftest import SEEDS

SEED = "000_51c87e8e1bb75467"


def test_list_documents(client):
    body = client.get("/api/documents").json
    assert body["total"] == 3 and body["page"] == 1
    first = body["documents"][0]
    assert first["id"] == SEED
    assert first["status"] == "new" and first["span_count"] == 0
    with open(SEEDS / f"{SEED}.txt", encoding="utf-8") as handle:
        assert first["length"] == len(handle.read())  # code points, not bytes


def test_document_detail_has_exact_text(client):
    body = client.get(f"/api/documents/{SEED}").json
    with open(SEEDS / f"{SEED}.txt", encoding="utf-8") as handle:
        assert body["text"] == handle.read()
    assert body["annotator"] == "alice" and body["spans"] == []


def test_create_relabel_delete(client):
    text = client.get(f"/api/documents/{SEED}").json["text"]
    start = text.index("Nicolás Maduro")
    created = client.post(
        f"/api/documents/{SEED}/spans", json={"start": start, "end": start + 14, "label": "PERSON"}
    )
    assert created.status_code == 201
    assert created.json["text"] == "Nicolás Maduro"
    span_id = created.json["id"]
    relabelled = client.patch(f"/api/spans/{span_id}", json={"label": "ORG"})
    assert relabelled.json["label"] == "ORG"
    assert client.delete(f"/api/spans/{span_id}").json == {"deleted": span_id}
    assert client.get(f"/api/documents/{SEED}").json["spans"] == []


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"start": 0, "end": 5}, "label: Field required"),
        ({"start": "0", "end": 5, "label": "ORG"}, "start: Input should be a valid integer"),
        ({"start": True, "end": 5, "label": "ORG"}, "start: Input should be a valid integer"),
        ({"start": 0, "end": 5, "label": "ORG", "colour": "red"}, "colour: Extra inputs"),
        ({"start": 5, "end": 2, "label": "ORG"}, "reversed span"),
        ({"start": 0, "end": 99999, "label": "ORG"}, "past the end of the text"),
        ({"start": 0, "end": 5, "label": "SPORT"}, "unknown label 'SPORT'"),
        ([1, 2], "must be a JSON object"),
    ],
    ids=[
        "no-label",
        "string-offset",
        "bool-offset",
        "extra-key",
        "reversed",
        "range",
        "label",
        "array",
    ],
)
def test_bad_span_requests(client, body, message):
    response = client.post(f"/api/documents/{SEED}/spans", json=body)
    assert response.status_code == 422
    assert message in response.json["error"]
    assert client.get(f"/api/documents/{SEED}").json["spans"] == []


def test_unknown_document_and_span(client):
    assert client.get("/api/documents/nope").status_code == 404
    missing = client.post("/api/documents/nope/spans", json={"start": 0, "end": 1, "label": "ORG"})
    assert missing.json == {"error": "document 'nope' does not exist"}
    assert client.delete("/api/spans/999").status_code == 404
    assert (
        "span 999 no longer exists"
        in client.patch("/api/spans/999", json={"label": "ORG"}).json["error"]
    )


def test_status(client):
    assert (
        client.post(f"/api/documents/{SEED}/status", json={"status": "done"}).json["status"]
        == "done"
    )
    assert client.post(f"/api/documents/{SEED}/status", json={"status": "x"}).status_code == 422
    assert client.get("/api/documents?status=done").json["total"] == 1
