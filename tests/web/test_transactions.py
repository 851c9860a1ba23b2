"""One transaction per user action: each action commits once, or rolls everything back."""

import json

import pytest
from sqlalchemy import event
from sqlalchemy import select
from sqlmodel import Session

from annotator.cli.main import main
from annotator.db.session import engine_of
from annotator.formats.records import Annotation
from annotator.formats.records import DocumentRecord
from annotator.models.annotations import Span
from annotator.models.people import Annotator
from annotator.models.project import Label
from annotator.models.suggestions import Suggestion
from annotator.transfer.importing import ImportOptions
from annotator.transfer.importing import import_documents
from tests.conftest import add_document

TEXT = "Nicolás Maduro met Lula in Caracas. The union said the strike would go on."


@pytest.fixture
def document(app):
    add_document(app, TEXT, "news")
    suggestions = DocumentRecord(
        text=TEXT,
        id="news",
        spans=[Annotation(TEXT.index("Lula"), TEXT.index("Lula") + 4, "PERSON")],
    )
    options = ImportOptions(annotator_name="alice", as_suggestions=True, source="model-x")
    import_documents(engine_of(app), [suggestions], options, name="model-x.jsonl")
    return "news"


@pytest.fixture
def commits(app):
    """The number of commits the engine has made since the fixture started."""
    counter = {"commits": 0}

    def count(_connection):
        counter["commits"] += 1

    engine = engine_of(app)
    event.listen(engine, "commit", count)
    yield counter
    event.remove(engine, "commit", count)


def _suggestion_id(app) -> int:
    with Session(engine_of(app)) as session:
        return session.execute(select(Suggestion.id)).scalar_one()


def _span_id(client) -> int:
    answer = client.post(
        "/api/documents/news/spans", json={"start": 0, "end": 14, "label": "PERSON"}
    )
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()["id"]


ACTIONS = {
    "create span (page)": lambda client, app: client.post(
        "/documents/news/spans", data={"start": 0, "end": 7, "label": "PERSON"}
    ),
    "create span (API)": lambda client, app: client.post(
        "/api/documents/news/spans", json={"start": 0, "end": 14, "label": "PERSON"}
    ),
    "relabel span": lambda client, app: client.patch(
        f"/api/spans/{_span_id(client)}", json={"label": "ORG"}
    ),
    "delete span": lambda client, app: client.delete(f"/api/spans/{_span_id(client)}"),
    "set status": lambda client, app: client.post(
        "/documents/news/status", data={"status": "done"}
    ),
    "accept suggestion": lambda client, app: client.post(
        f"/suggestions/{_suggestion_id(app)}/accept"
    ),
    "reject suggestion": lambda client, app: client.post(
        f"/suggestions/{_suggestion_id(app)}/reject"
    ),
    "accept all": lambda client, app: client.post("/documents/news/suggestions/accept-all"),
}


@pytest.mark.parametrize("action", list(ACTIONS))
def test_every_action_commits_exactly_once(app, client, document, commits, action):
    client.get("/documents/news")  # the annotator row exists before the action
    commits["commits"] = 0
    preparing = action in ("relabel span", "delete span")
    answer = ACTIONS[action](client, app)
    assert answer.status_code < 400, answer.get_data(as_text=True)
    assert commits["commits"] == (2 if preparing else 1)


def test_an_accept_whose_decision_fails_saves_no_span(app, client, document, monkeypatch):
    from annotator.suggestions import decisions

    def failing(*_args, **_kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(decisions, "_decide", failing)
    client.application.config["PROPAGATE_EXCEPTIONS"] = False
    answer = client.post(f"/suggestions/{_suggestion_id(app)}/accept")
    assert answer.status_code == 500
    with Session(engine_of(app)) as session:
        assert session.execute(select(Span)).all() == []
        assert session.execute(select(Suggestion.status)).scalar_one() == "pending"


def test_a_file_refused_at_line_2_leaves_no_row_at_all(app, runner, tmp_path):
    records = [
        {
            "text": "Zed met Ann.",
            "annotator": "zed",
            "spans": [{"start": 0, "end": 3, "label": "NEWBIE"}],
        },
        {
            "text": "Out of range.",
            "annotator": "zed",
            "spans": [{"start": 0, "end": 99, "label": "PERSON"}],
        },
    ]
    path = tmp_path / "broken.jsonl"
    path.write_text("".join(json.dumps(record) + "\n" for record in records))
    result = runner.invoke(main, ["import", "--add-labels", str(path)])
    assert result.exit_code != 0
    assert "broken.jsonl:2" in result.output
    with Session(engine_of(app)) as session:
        assert session.execute(select(Annotator.name)).scalars().all() in ([], ["alice"])
        assert session.execute(select(Label).where(Label.name == "NEWBIE")).first() is None
        assert session.execute(select(Span)).all() == []
