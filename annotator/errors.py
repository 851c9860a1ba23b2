"""Errors a user can correct: each carries the HTTP status a request answers with."""


class AnnotationError(ValueError):
    """A request the user can correct; the message says what is wrong."""

    status_code = 422


class OverlapError(AnnotationError):
    """A span would overlap another of its layer, which the layer's policy forbids."""

    def __init__(self, message: str, layer: str) -> None:
        super().__init__(message)
        self.layer = layer


class ConflictError(AnnotationError):
    """Another change to the same document happened at the same moment; trying again works."""

    status_code = 409


class NotFoundError(AnnotationError):
    """The document or span the request names does not exist (any more)."""

    status_code = 404
