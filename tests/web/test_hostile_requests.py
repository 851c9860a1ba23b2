"""Requests shaped to break the server: huge numbers, deep JSON, odd digits, big bodies.

Each answers a 4xx whose message names the problem without echoing the input, and nothing
is saved.
"""

import io
import json

import pytest

from tests.web.test_api import SEED

HUGE = 2**63  # one past SQLite's and PostgreSQL's largest integer
DIGITS = "9" * 4000


def span_count(client) -> int:
    """The current annotator's spans in the seed document."""
    return len(client.get(f"/api/documents/{SEED}").json["spans"])


@pytest.mark.parametrize(
    "body",
    [
        json.dumps({"start": HUGE, "end": HUGE + 1, "label": "PERSON"}),
        json.dumps({"start": 0, "end": HUGE, "label": "PERSON"}),
        '{"start": 0, "end": ' + DIGITS + ', "label": "PERSON"}',
        '{"start": -' + DIGITS + ', "end": 3, "label": "PERSON"}',
    ],
    ids=["start-2**63", "end-2**63", "end-4000-digits", "start-minus-4000-digits"],
)
def test_offsets_beyond_any_integer_column_are_refused(client, body):
    answer = client.post(f"/api/documents/{SEED}/spans", data=body, content_type="application/json")
    assert answer.status_code == 422
    message = answer.json["error"]
    assert "start" in message or "end" in message
    assert len(message) < 300  # the 4,000 digits are not echoed back
    assert span_count(client) == 0


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("delete", f"/api/spans/{HUGE}"),
        ("delete", f"/api/spans/{2**31}"),  # past PostgreSQL's INTEGER
        ("patch", f"/api/spans/{HUGE}"),
        ("delete", f"/api/spans/{DIGITS}"),
        ("delete", f"/spans/{HUGE}"),
        ("post", f"/spans/{HUGE}/label"),
        ("post", f"/suggestions/{HUGE}/accept"),
        ("post", f"/suggestions/{DIGITS}/reject"),
    ],
)
def test_ids_beyond_any_integer_column_are_not_found(client, method, path):
    answer = getattr(client, method)(path, json={"label": "ORG"}, data=None)
    assert answer.status_code == 404
    body = answer.get_data(as_text=True)
    assert "does not exist" in body
    assert DIGITS not in body


def test_json_nested_too_deep_is_refused(client):
    body = "[" * 100_000 + "]" * 100_000
    answer = client.post(f"/api/documents/{SEED}/spans", data=body, content_type="application/json")
    assert answer.status_code == 422
    assert "nested too deeply" in answer.json["error"]
    assert span_count(client) == 0


@pytest.mark.parametrize("page", ["²", "٣", "1.5", "-1", "0"])
def test_page_must_be_a_plain_positive_number(client, page):
    for path in (f"/api/documents?page={page}", f"/?page={page}"):
        answer = client.get(path)
        assert answer.status_code == 400, path
        assert "page must be a positive number" in answer.get_data(as_text=True)


def test_a_far_page_shows_the_last_page_not_an_error(client):
    answer = client.get("/api/documents?page=" + "9" * 30)
    assert answer.status_code == 200
    assert answer.json["page"] == answer.json["pages"] == 1
    assert len(answer.json["documents"]) == 3


def test_unknown_label_message_does_not_echo_a_huge_name(client):
    label = "X" * 100_000
    answer = client.post(
        f"/api/documents/{SEED}/spans", json={"start": 0, "end": 3, "label": label}
    )
    assert answer.status_code == 422
    assert "unknown label" in answer.json["error"]
    assert len(answer.json["error"]) < 500
    assert span_count(client) == 0


def test_api_body_over_the_limit_is_refused_unread(app, client):
    app.config["MAX_API_BODY_BYTES"] = 1000
    answer = client.post(
        f"/api/documents/{SEED}/spans",
        data=json.dumps({"start": 0, "end": 3, "label": "PERSON", "pad": "x" * 5000}),
        content_type="application/json",
    )
    assert answer.status_code == 413
    assert "1000 bytes" in answer.json["error"]
    assert span_count(client) == 0


def test_a_chunked_api_body_over_the_limit_is_refused_too(app, client):
    app.config["MAX_API_BODY_BYTES"] = 1000
    body = json.dumps({"start": 0, "end": 3, "label": "PERSON", "pad": "x" * 5000}).encode()
    answer = client.post(
        f"/api/documents/{SEED}/spans",
        input_stream=io.BytesIO(body),
        headers={"Content-Type": "application/json", "Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},  # as gunicorn says of chunked bodies
    )
    assert answer.status_code == 413
    assert "1000 bytes" in answer.json["error"]
    assert span_count(client) == 0


def test_upload_over_the_limit_is_refused(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 2000
    answer = client.post(
        "/import",
        data={"files": (io.BytesIO(b"x" * 5000), "big.txt")},
        content_type="multipart/form-data",
    )
    assert answer.status_code == 413
    assert "2000 bytes" in answer.get_data(as_text=True)
    assert client.get("/api/documents").json["total"] == 3


@pytest.mark.parametrize("covered", ["\r", "\n", "\r\n", "  ", "\u2028", "\t \n"])
def test_spans_of_only_whitespace_or_line_breaks_are_refused(app, client, covered):
    from tests.conftest import add_document

    text = f"Alpha{covered}Beta"
    add_document(app, text, "ws")
    answer = client.post(
        "/api/documents/ws/spans", json={"start": 5, "end": 5 + len(covered), "label": "ORG"}
    )
    assert answer.status_code == 422
    assert "only whitespace" in answer.json["error"]
    assert client.get("/api/documents/ws").json["spans"] == []
