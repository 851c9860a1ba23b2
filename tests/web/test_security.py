"""Other sites and other hosts are kept out: cross-site changes are refused, forms carry CSRF
tokens, only trusted hosts are served, every answer has the security headers, and a GET
changes nothing."""

import io
import json
import re
from pathlib import Path

import pytest

from annotator import create_app

EVIL = "https://attacker.example"
SEED = "000_51c87e8e1bb75467"


@pytest.fixture
def guarded(app_config: dict):
    """The app as served: CSRF tokens on."""
    return create_app(app_config | {"WTF_CSRF_ENABLED": True}).test_client()


def _upload(label: str = "COMPANY") -> dict:
    line = {"text": "Acme hired Zed.", "spans": [{"start": 0, "end": 4, "label": label}]}
    content = (json.dumps(line) + "\n").encode()
    return {"add_labels": "1", "files": [(io.BytesIO(content), "evil.jsonl")]}


def _token(client) -> str:
    page = client.get(f"/documents/{SEED}").text
    return json.loads(re.search(r"<body hx-headers='([^']+)'", page).group(1))["X-CSRFToken"]


@pytest.mark.parametrize(
    "headers", [{"Origin": EVIL}, {"Referer": f"{EVIL}/page.html"}, {"Origin": "null"}]
)
def test_a_page_of_another_site_changes_nothing(client, headers):
    imported = client.post(
        "/import", data=_upload(), headers=headers, content_type="multipart/form-data"
    )
    status = client.post(f"/documents/{SEED}/status", data={"status": "done"}, headers=headers)
    span = client.post(
        f"/api/documents/{SEED}/spans",
        json={"start": 0, "end": 7, "label": "PERSON"},
        headers=headers,
    )
    for answer in (imported, status, span):
        assert answer.status_code == 403
        assert "cross-site request refused" in answer.get_data(as_text=True)
    assert client.get("/api/documents").json["total"] == 3
    assert client.get(f"/api/documents/{SEED}").json["status"] == "new"
    assert client.get(f"/api/documents/{SEED}").json["spans"] == []


def test_the_apps_own_pages_may_change_things(client):
    own = {"Origin": "http://localhost", "Referer": f"http://localhost/documents/{SEED}"}
    answer = client.post(f"/documents/{SEED}/status", data={"status": "done"}, headers=own)
    assert answer.status_code == 302
    assert client.get(f"/api/documents/{SEED}").json["status"] == "done"


def test_forms_need_the_csrf_token_of_the_page(guarded):
    missing = guarded.post(f"/documents/{SEED}/status", data={"status": "done"})
    assert missing.status_code == 400 and "CSRF token is missing" in missing.text
    wrong = guarded.post(
        f"/documents/{SEED}/status", data={"status": "done"}, headers={"X-CSRFToken": "forged"}
    )
    assert wrong.status_code == 400
    assert guarded.get(f"/api/documents/{SEED}").json["status"] == "new"
    token = _token(guarded)
    done = guarded.post(
        f"/documents/{SEED}/status", data={"status": "done"}, headers={"X-CSRFToken": token}
    )
    assert done.status_code == 302
    assert guarded.get(f"/api/documents/{SEED}").json["status"] == "done"


def test_every_post_form_carries_the_token(guarded):
    for path in ("/import", "/export"):
        page = guarded.get(path).text
        assert re.search(r'<input type="hidden" name="csrf_token" value="[^"]+">', page), path


def test_scripts_use_the_json_api_without_a_token(guarded):
    created = guarded.post(
        f"/api/documents/{SEED}/spans", json={"start": 0, "end": 7, "label": "PERSON"}
    )
    assert created.status_code == 201
    as_form = guarded.post(
        f"/api/documents/{SEED}/spans", data={"start": 0, "end": 7, "label": "PERSON"}
    )
    assert as_form.status_code == 422  # only JSON, which a cross-site form cannot send


@pytest.mark.parametrize("path", ["/api/documents", f"/api/documents/{SEED}", "/"])
def test_an_untrusted_host_is_not_served(client, path):
    answer = client.get(path, headers={"Host": "attacker.example"})
    assert answer.status_code == 400
    assert "Caracas" not in answer.get_data(as_text=True)
    assert client.get(path, headers={"Host": "127.0.0.1:5000"}).status_code == 200


def test_trusted_hosts_are_configurable(app_config, monkeypatch):
    monkeypatch.setenv("ANNOTATOR_TRUSTED_HOSTS", "annotate.example.org, 10.1.2.3")
    client = create_app(app_config).test_client()
    assert client.get("/", headers={"Host": "annotate.example.org"}).status_code == 200
    assert client.get("/", headers={"Host": "localhost"}).status_code == 400


@pytest.mark.parametrize("path", ["/", f"/documents/{SEED}", "/api/documents", "/labels.css"])
def test_every_answer_has_the_security_headers(client, path):
    headers = client.get(path).headers
    policy = headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy and "unsafe-inline" not in policy
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"


def test_pages_have_no_inline_script_or_style(client):
    for path in ("/", f"/documents/{SEED}", "/import", "/export"):
        page = client.get(path).text
        assert "<style" not in page and " style=" not in page, path
        for tag in re.findall(r"<script[^>]*>", page):
            assert " src=" in tag or 'type="application/json"' in tag, (path, tag)


def test_a_get_of_the_export_writes_no_file(client, app_config):
    for _ in range(3):
        with client.get("/export.jsonl") as download:
            assert download.status_code == 200
    exports = Path(app_config["EXPORTS_DIR"])
    assert not exports.exists() or list(exports.iterdir()) == []
