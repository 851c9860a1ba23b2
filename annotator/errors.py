"""Errors a user can correct: each carries the HTTP status a request answers with."""


class AnnotationError(ValueError):
    """A request the user can correct; the message says what is wrong."""

    status_code = 422


class ConflictError(AnnotationError):
    """Another change to the same document happened at the same moment; trying again works."""

    status_code = 409


class NotFoundError(AnnotationError):
    """The document or span the request names does not exist (any more)."""

    status_code = 404
