"""What keeps other sites and other hosts out until logins exist.

- Only the app's own pages change anything: a state-changing request whose `Origin` (or, when
  a browser sends none, `Referer`) is another site's is refused with 403, and forms and htmx
  requests carry a CSRF token (flask-wtf's `CSRFProtect`; htmx sends it in the `X-CSRFToken`
  header from the `hx-headers` on `<body>`). The JSON API takes no token: it answers only
  `application/json` bodies and methods that a browser sends cross-site only after a CORS
  preflight, which the app never grants.
- Only trusted `Host`s are served (`TRUSTED_HOSTS`), so a DNS-rebinding page cannot read the
  corpus.
- Every answer carries a Content-Security-Policy with no inline script or style, `nosniff`,
  `frame-ancestors 'none'` and a same-origin `Referrer-Policy`.
"""

from urllib.parse import urlsplit

from flask import Flask
from flask import request
from flask_wtf.csrf import CSRFProtect
from werkzeug.exceptions import Forbidden

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
csrf = CSRFProtect()


def register(app: Flask) -> None:
    """Install the origin check, CSRF tokens and the security headers."""
    csrf.init_app(app)
    app.before_request(refuse_other_origins)
    app.after_request(add_security_headers)


def exempt_from_csrf_tokens(blueprint) -> None:
    """The JSON API: scripts call it without a token (see the module docstring)."""
    csrf.exempt(blueprint)


def refuse_other_origins() -> None:
    """403 for a state-changing request that a page of another site sent."""
    if request.method in SAFE_METHODS:
        return
    # From the environ: werkzeug's headers.get raises and catches an exception per missing one.
    environ = request.environ
    sender = environ.get("HTTP_ORIGIN") or _origin_of(environ.get("HTTP_REFERER"))
    if sender is None:
        return  # not sent by a browser page (a script, curl): tokens and JSON rules apply
    own = f"{request.scheme}://{request.host}"
    if sender != own:
        shown = sender if len(sender) <= 100 else sender[:97] + "..."
        raise Forbidden(
            f"cross-site request refused: changes are only taken from this app's own pages "
            f"({own}), not from {shown}"
        )


def _origin_of(url: str | None) -> str | None:
    """scheme://host[:port] of a URL, or None."""
    if not url:
        return None
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else "null"


def add_security_headers(response):
    """The headers every answer carries (a view's own value of one of them is kept). One pass
    over the answer's headers: werkzeug's setdefault raises and catches an exception for each
    header that is not there yet, which cost more than the rest of this hook."""
    present = {name.lower() for name, _ in response.headers}
    response.headers.extend(
        [(name, value) for name, value in HEADERS.items() if name.lower() not in present]
    )
    return response
