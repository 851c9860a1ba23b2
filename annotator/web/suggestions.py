"""The htmx endpoints that accept and reject suggestions from the annotation page.

Each answer is the same out-of-band update as a span change (`spans.render_changes`): the
paragraphs the decision touched, the span list, and the pending suggestions with their list;
an `HX-Trigger-After-Settle` event `suggestion-changed` names the decided suggestions and the
next pending one, which the page selects when the decided one was selected. Errors (a span
rule, a suggestion decided elsewhere) follow the convention of `annotator.web.errors`.
"""

from flask import Blueprint
from flask import redirect
from flask import render_template
from flask import url_for

from annotator.annotation.documents import get_document_text
from annotator.db.session import get_session
from annotator.db.session import transaction
from annotator.suggestions.decisions import SuggestionView
from annotator.suggestions.decisions import accept_all
from annotator.suggestions.decisions import accept_suggestion
from annotator.suggestions.decisions import list_suggestions
from annotator.suggestions.decisions import reject_suggestion
from annotator.web.common import catalog
from annotator.web.common import current_annotator
from annotator.web.common import wants_fragment
from annotator.web.spans import render_changes

bp = Blueprint("suggestions", __name__)


@bp.app_template_filter("suggestion_map")
def suggestion_map(suggestions) -> dict[str, list]:
    """Suggestions as the page's script reads them: {"id": [start, end, label, text, source,
    score]}."""
    return {
        str(s.id): [s.start, s.end, s.label.name, s.text, s.source, s.score] for s in suggestions
    }


def _next_after(pending: list[SuggestionView], decided: SuggestionView) -> int | None:
    """The first pending suggestion at or after the decided one, in text order."""
    for suggestion in pending:
        if (suggestion.start, suggestion.end) >= (decided.start, decided.end):
            return suggestion.id
    return None


def _decided(decided: SuggestionView, message: str | None = None):
    """The page update after one suggestion was accepted or rejected."""
    session = get_session()
    document = get_document_text(session, decided.document_id)
    if not wants_fragment():
        return redirect(url_for("documents.annotate", document_id=document.id))
    pending = list_suggestions(session, document_id=document.id, catalog=catalog())
    event = {"decided": [decided.id], "next": _next_after(pending, decided)}
    return render_changes(
        document,
        decided.start,
        decided.end,
        None,
        suggestion_list=pending,
        message=message,
        events={"suggestion-changed": event},
    )


@bp.post("/suggestions/<int:suggestion_id>/accept")
def accept(suggestion_id: int):
    """Make the suggestion the current annotator's span."""
    annotator = current_annotator()
    with transaction(get_session()) as session:
        suggestion, _span = accept_suggestion(
            session, suggestion_id=suggestion_id, annotator=annotator, catalog=catalog()
        )
    return _decided(suggestion)


@bp.post("/suggestions/<int:suggestion_id>/reject")
def reject(suggestion_id: int):
    """Reject the suggestion, for every annotator."""
    with transaction(get_session()) as session:
        suggestion = reject_suggestion(session, suggestion_id=suggestion_id, catalog=catalog())
    return _decided(suggestion)


@bp.post("/documents/<document_id>/suggestions/accept-all")
def accept_every(document_id: str):
    """Accept every pending suggestion of the document; report the ones that conflict."""
    annotator = current_annotator()
    with transaction(get_session()) as session:
        document = get_document_text(session, document_id)
        report = accept_all(
            session, document_id=document.id, annotator=annotator, catalog=catalog()
        )
    if not wants_fragment():
        return redirect(url_for("documents.annotate", document_id=document.id))
    pending = list_suggestions(session, document_id=document.id, catalog=catalog())
    decided = [suggestion.id for suggestion, _span in report.accepted]
    return render_changes(
        document,
        0,
        len(document.text),
        None,
        suggestion_list=pending,
        message=report.message(),
        events={"suggestion-changed": {"decided": decided, "next": None, "all": True}},
    )


@bp.get("/documents/<document_id>/suggestions")
def full_list(document_id: str):
    """The whole suggestion list of a long article (the page shows its first ones)."""
    session = get_session()
    document = get_document_text(session, document_id)
    pending = list_suggestions(session, document_id=document.id, catalog=catalog())
    return render_template(
        "documents/_suggestions.html", suggestion_list=pending, document=document, show_all=True
    )
