"""The document list, the annotation page (spans and pending suggestions), status changes and
the export download."""

import io
import tempfile

import jsonlines
from flask import Blueprint
from flask import abort
from flask import current_app
from flask import redirect
from flask import render_template
from flask import request
from flask import send_file
from flask import url_for

from annotator.annotation.document_list import list_documents
from annotator.annotation.document_list import neighbours
from annotator.annotation.document_list import progress
from annotator.annotation.documents import get_document
from annotator.annotation.spans import list_spans
from annotator.annotation.status import document_status
from annotator.annotation.status import set_status
from annotator.db.session import get_session
from annotator.db.session import transaction
from annotator.formats.jsonlines import json_line
from annotator.models.annotations import Status
from annotator.suggestions.decisions import list_suggestions
from annotator.text.brief import brief
from annotator.text.offsets import BrowserOffsets
from annotator.transfer.exporting import default_export_path
from annotator.transfer.exporting import export_records
from annotator.web.common import catalog
from annotator.web.common import current_annotator
from annotator.web.common import layer_order
from annotator.web.common import wants_fragment
from annotator.web.rendering import label_styles
from annotator.web.rendering import render_document

bp = Blueprint("documents", __name__)
MAX_PAGE = 10**9


def list_arguments() -> dict:
    """Status filter, search text and page from the query string, checked."""
    status = request.args.get("status") or None
    if status is not None and status not in {item.value for item in Status}:
        abort(400, description=f"unknown status filter {brief(status)}")
    page = request.args.get("page", "1")
    if not (page.isascii() and page.isdigit() and int(page) >= 1):
        abort(400, description=f"page must be a positive number, not {brief(page)}")
    # Past the last page the list is empty; the cap keeps the SQL OFFSET inside 64 bits.
    page = min(int(page), MAX_PAGE)
    return {"status": status, "search": request.args.get("q") or None, "page": page}


@bp.get("/")
def index():
    """Every document with its status, filtered, searched and paged."""
    arguments = list_arguments()
    session = get_session()
    annotator = current_annotator()
    listing = list_documents(
        session,
        annotator.id,
        per_page=current_app.config["DOCUMENTS_PER_PAGE"],
        **arguments,
    )
    context = {"listing": listing, "filters": arguments, "statuses": list(Status)}
    if wants_fragment():
        return render_template("documents/_table.html", **context)
    return render_template(
        "documents/list.html", progress=progress(session, annotator.id), **context
    )


@bp.get("/documents/<document_id>")
def annotate(document_id: str):
    """The annotation page of one document."""
    session = get_session()
    document = get_document(session, document_id)
    annotator = current_annotator()
    spans = list_spans(session, document.id, annotator.id, catalog())
    suggestions = list_suggestions(session, document_id=document.id, catalog=catalog())
    previous_id, next_id = neighbours(session, document.id)
    return render_template(
        "documents/annotate.html",
        document=document,
        paragraphs=render_document(document.text, spans, layer_order(), suggestions=suggestions),
        offsets=BrowserOffsets(document.text),
        spans=spans,
        suggestion_list=suggestions,
        schema=catalog().schema,
        status=document_status(session, document.id, annotator.id),
        previous_id=previous_id,
        next_id=next_id,
        labels=catalog().by_name,
        label_revision=catalog().revision,
    )


@bp.get("/documents/<document_id>/spans")
def span_list(document_id: str):
    """The whole span list of a long article (the page shows its first spans)."""
    session = get_session()
    document = get_document(session, document_id)
    spans = list_spans(session, document.id, current_annotator().id, catalog())
    return render_template("documents/_span_list.html", spans=spans, show_all=True)


@bp.post("/documents/<document_id>/status")
def change_status(document_id: str):
    """Mark the document done, skipped or back in progress."""
    annotator = current_annotator()
    with transaction(get_session()) as session:
        document = get_document(session, document_id)
        status = set_status(
            session,
            document=document,
            annotator=annotator,
            status=request.form.get("status", ""),
        )
    if wants_fragment():
        return render_template("documents/_status.html", document=document, status=status)
    return redirect(url_for("documents.annotate", document_id=document.id))


@bp.get("/export.jsonl")
def download_export():
    """The same JSONL the CLI writes, as a download. A GET changes nothing: the file is built
    in an anonymous temporary file (gone when sent), never in exports/, and a span that no
    longer matches its text stops it with 409 before a byte is sent."""
    spool = tempfile.TemporaryFile()
    try:
        text = io.TextIOWrapper(spool, encoding="utf-8", newline="\n")
        writer = jsonlines.Writer(text, dumps=json_line)
        for record in export_records(get_session(), catalog()):
            writer.write(record)
        text.flush()
        text.detach()  # the binary file stays open for send_file
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    name = default_export_path(".").name
    return send_file(spool, mimetype="application/jsonl", as_attachment=True, download_name=name)


@bp.get("/labels.css")
def label_stylesheet():
    """The label colours as a stylesheet (the page allows no inline style), keyed by label id."""
    response = current_app.response_class(label_styles(catalog()), mimetype="text/css")
    response.cache_control.no_cache = True
    response.add_etag()
    return response.make_conditional(request)
