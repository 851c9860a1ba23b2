"""The JSON API described as OpenAPI 3.0, served at /api/openapi.json.

tests/web/test_api_description.py keeps it true: every API route is described, and
schemathesis sends generated requests to each operation and checks every answer against it.
"""

from annotator.annotation.row_ids import MAX_ROW_ID
from annotator.models.annotations import Status

_ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {"error": {"type": "string"}},
}
_SPAN = {
    "type": "object",
    "required": ["id", "start", "end", "label", "layer", "text"],
    "properties": {
        "id": {"type": "integer", "minimum": 1},
        "start": {"type": "integer", "minimum": 0},
        "end": {"type": "integer", "minimum": 1},
        "label": {"type": "string"},
        "layer": {"type": "string"},
        "text": {"type": "string"},
    },
}
_STATUS = {"type": "string", "enum": [status.value for status in Status]}
_DOCUMENT_ROW = {
    "type": "object",
    "required": ["id", "title", "source", "length", "span_count", "status"],
    "properties": {
        "id": {"type": "string"},
        "title": {"type": "string"},
        "source": {"type": "string"},
        "length": {"type": "integer", "minimum": 0},
        "span_count": {"type": "integer", "minimum": 0},
        "status": _STATUS,
    },
}
_DOCUMENT = {
    "type": "object",
    "required": ["id", "title", "source", "text", "meta", "annotator", "status", "spans"],
    "properties": {
        "id": {"type": "string"},
        "title": {"type": "string"},
        "source": {"type": "string"},
        "text": {"type": "string"},
        "meta": {"type": "object"},
        "annotator": {"type": "string"},
        "status": _STATUS,
        "spans": {"type": "array", "items": _SPAN},
    },
}


def _json(schema: dict) -> dict:
    """A JSON body of this schema."""
    return {"content": {"application/json": {"schema": schema}}}


def _answers(success: int, what: str, schema: dict, *errors: int) -> dict:
    """The responses of one operation: its success and the errors it may answer."""
    reasons = {
        400: "a query parameter or the body is not what the API takes",
        404: "the document or span does not exist (any more)",
        409: "another change to the same document happened at the same moment; retry",
        413: "the body is over ANNOTATOR_MAX_API_BODY_BYTES",
        422: "the request names something invalid (label, offsets, status); nothing is saved",
    }
    responses = {str(success): {"description": what, **_json(schema)}}
    for code in errors:
        responses[str(code)] = {"description": reasons[code], **_json(_ERROR)}
    return responses


def _path_parameter(name: str, schema: dict) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": schema}


_DOCUMENT_ID = _path_parameter("document_id", {"type": "string", "minLength": 1})
_SPAN_ID = _path_parameter("span_id", {"type": "integer", "minimum": 1, "maximum": MAX_ROW_ID})
_WRITE_ERRORS = (404, 409, 413, 422)


def api_description(label_names: list[str]) -> dict:
    """The OpenAPI document of the JSON API (offsets are code points, end exclusive), with the
    label names the project's schema has now."""
    label = {"type": "string", "enum": label_names}
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "annotator JSON API",
            "version": "1",
            "description": "Offsets are Python code points on the stored text, [start, end). "
            "Spans are the current annotator's (ANNOTATOR_USER).",
        },
        "paths": {
            "/api/documents": {
                "get": {
                    "summary": "One page of documents with status and span count",
                    "parameters": [
                        {"name": "status", "in": "query", "schema": _STATUS},
                        {"name": "q", "in": "query", "schema": {"type": "string"}},
                        {
                            "name": "page",
                            "in": "query",
                            "schema": {"type": "integer", "minimum": 1},
                        },
                    ],
                    "responses": _answers(
                        200,
                        "the page",
                        {
                            "type": "object",
                            "required": ["documents", "page", "pages", "total"],
                            "properties": {
                                "documents": {"type": "array", "items": _DOCUMENT_ROW},
                                "page": {"type": "integer", "minimum": 1},
                                "pages": {"type": "integer", "minimum": 1},
                                "total": {"type": "integer", "minimum": 0},
                            },
                        },
                        400,
                    ),
                }
            },
            "/api/documents/{document_id}": {
                "get": {
                    "summary": "The text, meta, status and your spans",
                    "parameters": [_DOCUMENT_ID],
                    "responses": _answers(200, "the document", _DOCUMENT, 404),
                }
            },
            "/api/documents/{document_id}/spans": {
                "post": {
                    "summary": "Create a span",
                    "parameters": [_DOCUMENT_ID],
                    "requestBody": {
                        "required": True,
                        **_json(
                            {
                                "type": "object",
                                "required": ["start", "end", "label"],
                                "additionalProperties": False,
                                "properties": {
                                    "start": {"type": "integer"},
                                    "end": {"type": "integer"},
                                    "label": label,
                                },
                            }
                        ),
                    },
                    "responses": _answers(201, "the new span", _SPAN, *_WRITE_ERRORS),
                }
            },
            "/api/spans/{span_id}": {
                "patch": {
                    "summary": "Relabel a span",
                    "parameters": [_SPAN_ID],
                    "requestBody": {
                        "required": True,
                        **_json(
                            {
                                "type": "object",
                                "required": ["label"],
                                "properties": {"label": label},
                            }
                        ),
                    },
                    "responses": _answers(200, "the span", _SPAN, *_WRITE_ERRORS),
                },
                "delete": {
                    "summary": "Delete a span",
                    "parameters": [_SPAN_ID],
                    "responses": _answers(
                        200,
                        "the id of the deleted span",
                        {
                            "type": "object",
                            "required": ["deleted"],
                            "properties": {"deleted": {"type": "integer"}},
                        },
                        404,
                        409,
                    ),
                },
            },
            "/api/documents/{document_id}/status": {
                "post": {
                    "summary": "Set your status on a document",
                    "parameters": [_DOCUMENT_ID],
                    "requestBody": {
                        "required": True,
                        **_json(
                            {
                                "type": "object",
                                "required": ["status"],
                                "properties": {"status": _STATUS},
                            }
                        ),
                    },
                    "responses": _answers(
                        200,
                        "the status now",
                        {
                            "type": "object",
                            "required": ["id", "status"],
                            "properties": {"id": {"type": "string"}, "status": _STATUS},
                        },
                        *_WRITE_ERRORS,
                    ),
                }
            },
            "/api/openapi.json": {
                "get": {
                    "summary": "This description",
                    "responses": {"200": {"description": "OpenAPI 3.0", **_json({})}},
                }
            },
        },
    }
