"""How errors reach the user.

The convention for htmx requests: an error answers with its 4xx status and the `_flash.html`
fragment, retargeted (`HX-Retarget: #flash`) to the message area beside the text the user
acted on; `htmx-config` in the layout lets htmx swap 4xx answers. The JSON API answers
`{"error": message}`. A full page gets an error page. Nothing is saved by a failed request.
"""

from flask import Flask
from flask import jsonify
from flask import render_template
from flask import request
from werkzeug.exceptions import HTTPException
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.exceptions import SecurityError

from annotator.errors import AnnotationError
from annotator.transfer.exporting import ExportError
from annotator.web.common import wants_fragment


def error_response(message: str, status: int):
    """The error in the form the request expects."""
    if request.path.startswith("/api/"):
        return jsonify(error=message), status
    if wants_fragment():
        body = render_template("_flash.html", message=message, level="error")
        return body, status, {"HX-Retarget": "#flash", "HX-Reswap": "innerHTML"}
    return render_template("error.html", message=message, status=status), status


def register(app: Flask) -> None:
    """Install the handlers."""

    @app.errorhandler(AnnotationError)
    def annotation_error(error: AnnotationError):
        return error_response(str(error), error.status_code)

    @app.errorhandler(ExportError)
    def export_error(error: ExportError):
        return error_response(str(error), 409)

    @app.errorhandler(SecurityError)
    def untrusted_host(error: SecurityError):
        # No page: links cannot be built for a host that is not served.
        message = f"{error.description} (the served host names are set by ANNOTATOR_TRUSTED_HOSTS)"
        return message, 400, {"Content-Type": "text/plain; charset=utf-8"}

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(_error: RequestEntityTooLarge):
        limit = request.max_content_length
        setting = (
            "ANNOTATOR_MAX_API_BODY_BYTES"
            if request.path.startswith("/api/")
            else ("ANNOTATOR_MAX_UPLOAD_BYTES")
        )
        message = f"the request body is over the limit of {limit} bytes (set by {setting})"
        if setting == "ANNOTATOR_MAX_UPLOAD_BYTES":
            message += "; import larger files with `annotator import`"
        return error_response(message, 413)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        return error_response(error.description or error.name, error.code or 500)

    @app.after_request
    def vary_on_htmx(response):
        response.vary.add("HX-Request")
        return response
