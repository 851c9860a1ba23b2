"""The pages' session cookie (it holds the CSRF token) is Flask's signed cookie: the signer the
app keeps follows its secret key, and requests without a cookie get a fresh session."""

import json
import re

import pytest
from flask.sessions import SecureCookieSessionInterface

from annotator import create_app

SEED = "000_51c87e8e1bb75467"


@pytest.fixture
def guarded(app_config: dict):
    """The app as served: CSRF tokens on."""
    return create_app(app_config | {"WTF_CSRF_ENABLED": True}).test_client()


def _token(client) -> str:
    page = client.get(f"/documents/{SEED}").text
    return json.loads(re.search(r"<body hx-headers='([^']+)'", page).group(1))["X-CSRFToken"]


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
