"""Other sites and other hosts are kept out: cross-site changes are refused, forms carry CSRF
tokens, only trusted hosts are served, every answer has the security headers, and a GET
changes nothing. The pages' session cookie (it holds the CSRF token) is Flask's signed cookie:
the signer the app keeps follows its secret key, and requests without a cookie get none."""

import io
import json
import re
from pathlib import Path

import pytest
from flask.sessions import SecureCookieSessionInterface

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


def _mark_done(client, token: str):
    return client.post(
        f"/documents/{SEED}/status", data={"status": "done"}, headers={"X-CSRFToken": token}
    )


def test_a_new_secret_key_no_longer_trusts_cookies_signed_with_the_old_one(guarded):
    token = _token(guarded)
    guarded.application.secret_key = "rotated"  # as a restart with ANNOTATOR_SECRET_KEY does
    refused = _mark_done(guarded, token)
    assert refused.status_code == 400 and "session token is missing" in refused.text
    assert guarded.get(f"/api/documents/{SEED}").json["status"] == "new"
    assert _mark_done(guarded, _token(guarded)).status_code == 302  # a page of the new key


def test_a_cookie_signed_with_a_fallback_key_still_opens_its_session(guarded):
    app = guarded.application
    _token(guarded)
    cookie = f"session={guarded.get_cookie('session').value}"
    app.config["SECRET_KEY_FALLBACKS"] = [app.secret_key]
    app.secret_key = "rotated"
    with app.test_request_context(headers={"Cookie": cookie}) as context:
        assert "csrf_token" in app.session_interface.open_session(app, context.request)
    app.config["SECRET_KEY_FALLBACKS"] = []
    with app.test_request_context(headers={"Cookie": cookie}) as context:
        assert "csrf_token" not in app.session_interface.open_session(app, context.request)


def test_a_request_without_a_cookie_gets_an_empty_session_and_sets_none(guarded):
    answer = guarded.post(
        f"/api/documents/{SEED}/spans", json={"start": 0, "end": 7, "label": "PERSON"}
    )
    assert answer.status_code == 201
    assert "Set-Cookie" not in answer.headers
    assert guarded.get_cookie("session") is None


def test_cookies_are_signed_exactly_as_flask_signs_them(guarded):
    app = guarded.application
    stock = SecureCookieSessionInterface().get_signing_serializer(app)
    ours = app.session_interface.get_signing_serializer(app)
    assert ours.loads(stock.dumps({"csrf_token": "t"})) == {"csrf_token": "t"}
    assert stock.loads(ours.dumps({"csrf_token": "t"})) == {"csrf_token": "t"}
