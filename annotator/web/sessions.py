"""Flask's signed-cookie sessions (they hold the CSRF token of the pages), made cheaper for
the requests that carry no cookie at all, as scripts calling the JSON API do.

Flask builds the cookie signer and parses the Cookie header on every request; together that
cost as much as the rest of the request's framework work on the span API. Here the signer is
built once per secret key and a request without a Cookie header gets an empty session at once.
What a session holds, how it is signed and when it is refused are Flask's.
"""

from flask import Flask
from flask import Request
from flask.sessions import SecureCookieSession
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer


class CookieSessions(SecureCookieSessionInterface):
    """SecureCookieSessionInterface with its signer kept and cookie-less requests short-cut."""

    def __init__(self) -> None:
        self._signer: tuple[tuple, URLSafeTimedSerializer] | None = None

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        """Flask's signer (the same keys, salt and digest), made once per key set: the keys are
        read once, so a key changed meanwhile cannot be paired with a signer of another."""
        secret = app.secret_key
        if not secret:
            return None
        keys = (*(app.config.get("SECRET_KEY_FALLBACKS") or ()), secret)  # newest last
        kept = self._signer
        if kept is None or kept[0] != keys:  # a changed key (tests do) gets a new signer
            signer = URLSafeTimedSerializer(
                list(keys),
                salt=self.salt,
                serializer=self.serializer,
                signer_kwargs={
                    "key_derivation": self.key_derivation,
                    "digest_method": self.digest_method,
                },
            )
            kept = self._signer = (keys, signer)
        return kept[1]

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if "HTTP_COOKIE" not in request.environ and self.get_signing_serializer(app) is not None:
            return self.session_class()
        return super().open_session(app, request)


def register(app: Flask) -> None:
    """Use these sessions in the app."""
    app.session_interface = CookieSessions()
