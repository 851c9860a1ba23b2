"""GET /api/openapi.json describes the JSON API truly: every route, every answer.

schemathesis generates requests for each described operation (valid and invalid ones, a
bounded number each) and checks that no answer is a server error and every answer matches
its description: status code, content type and body.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from schemathesis.specs.openapi.checks import positive_data_acceptance

EXAMPLES_PER_OPERATION = 30


def test_every_api_route_is_described(app):
    described = {
        (path, method.upper())
        for path, operations in app.test_client().get("/api/openapi.json").json["paths"].items()
        for method in operations
    }
    routes = {
        (rule.rule.replace("<int:", "<").replace("<", "{").replace(">", "}"), method)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert described == routes


OPERATIONS = [
    ("GET", "/api/documents"),
    ("GET", "/api/documents/{document_id}"),
    ("POST", "/api/documents/{document_id}/spans"),
    ("PATCH", "/api/spans/{span_id}"),
    ("DELETE", "/api/spans/{span_id}"),
    ("POST", "/api/documents/{document_id}/status"),
    ("GET", "/api/openapi.json"),
]


def described(app, method: str, path: str):
    """The described operation, bound to app."""
    return schemathesis.openapi.from_wsgi("/api/openapi.json", app)[path][method]


def existing_ids(client) -> dict[str, list]:
    """Ids of rows that exist: the seed documents, and spans made for the test."""
    documents = [row["id"] for row in client.get("/api/documents").json["documents"]]
    text = client.get(f"/api/documents/{documents[0]}").json["text"]
    spans = []
    for word in ("Maduro", "Venezuela", "Caracas"):
        start = text.index(word)
        body = {"start": start, "end": start + len(word), "label": "GPE"}
        spans.append(client.post(f"/api/documents/{documents[0]}/spans", json=body).json["id"])
    return {"document_id": documents, "span_id": spans}


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[" ".join(o) for o in OPERATIONS])
def test_generated_requests_are_answered_as_described(app, client, method, path):
    """Generated cases, half of them aimed at rows that exist (so not every answer is 404)."""
    operation = described(app, method, path)
    ids = existing_ids(client)

    @given(case=operation.as_strategy(), aim=st.booleans(), data=st.data())
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
    )
    def answers_as_described(case, aim, data):
        for name in case.path_parameters or {}:
            if aim:
                case.path_parameters[name] = data.draw(st.sampled_from(ids[name]))
        # A schema-valid span can still be refused with a 422 (offsets past the text, an
        # overlap the layer forbids): offsets depend on the document, not the description.
        case.call_and_validate(excluded_checks=[positive_data_acceptance])

    answers_as_described()


def test_successful_answers_are_as_described(app, client):
    """One valid request per operation: its 2xx answer matches the description too."""
    document = client.get("/api/documents").json["documents"][0]["id"]
    start = client.get(f"/api/documents/{document}").json["text"].index("Maduro")
    requests = [
        ("GET", "/api/documents", {"query": {"status": "new", "page": 1}}),
        ("GET", "/api/documents/{document_id}", {"path_parameters": {"document_id": document}}),
        (
            "POST",
            "/api/documents/{document_id}/spans",
            {
                "path_parameters": {"document_id": document},
                "body": {"start": start, "end": start + 6, "label": "PERSON"},
            },
        ),
        (
            "POST",
            "/api/documents/{document_id}/status",
            {"path_parameters": {"document_id": document}, "body": {"status": "done"}},
        ),
    ]
    for method, path, parts in requests:
        response = described(app, method, path).Case(**parts).call_and_validate()
        assert 200 <= response.status_code < 300, (method, path, response.text)
    span_id = client.get(f"/api/documents/{document}").json["spans"][0]["id"]
    for method, parts in (
        ("PATCH", {"path_parameters": {"span_id": span_id}, "body": {"label": "ORG"}}),
        ("DELETE", {"path_parameters": {"span_id": span_id}}),
    ):
        response = described(app, method, "/api/spans/{span_id}").Case(**parts).call_and_validate()
        assert response.status_code == 200, (method, response.text)
