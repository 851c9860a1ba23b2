"""doccano 1.x multi-user exports: every user's spans come in as that user's annotations."""

import json

from annotator.cli.main import main

RECORD = {
    "id": 1,
    "text": "Angela Merkel met Macron in Berlin.",
    "meta": {},
    "annotation_approver": None,
    "annotations": [
        {"label": 3, "start_offset": 0, "end_offset": 13, "user": 1},
        {"label": 3, "start_offset": 18, "end_offset": 24, "user": 2},
        {"label": 5, "start_offset": 28, "end_offset": 34, "user": 2},
    ],
}


def spans_by_annotator(app) -> dict:
    from sqlalchemy import text

    from annotator.db.session import engine_of

    with engine_of(app).connect() as connection:
        rows = connection.execute(
            text(
                'SELECT annotator.name, label.name, span.start, span."end" FROM span '
                "JOIN annotator ON annotator.id = span.annotator_id "
                "JOIN label ON label.id = span.label_id ORDER BY 1, 3"
            )
        ).all()
    found: dict = {}
    for annotator, label, start, end in rows:
        found.setdefault(annotator, []).append((label, start, end))
    return found


def test_each_user_becomes_an_annotator_with_named_labels(runner, app, tmp_path):
    path = tmp_path / "project.jsonl"
    path.write_text(json.dumps(RECORD) + "\n")
    names = tmp_path / "labels.json"
    names.write_text(json.dumps([{"id": 3, "text": "PERSON"}, {"id": 5, "text": "GPE"}]))
    result = runner.invoke(main, ["import", "--label-names", str(names), str(path)])
    assert result.exit_code == 0, result.output
    assert "(doccano)" in result.output
    assert spans_by_annotator(app) == {
        "user1": [("PERSON", 0, 13)],
        "user2": [("PERSON", 18, 24), ("GPE", 28, 34)],
    }


def test_without_the_label_list_labels_are_named_by_id_and_that_is_said(runner, app, tmp_path):
    path = tmp_path / "project.jsonl"
    path.write_text(json.dumps(RECORD) + "\n")
    result = runner.invoke(main, ["import", "--add-labels", str(path)])
    assert result.exit_code == 0, result.output
    assert "doccano 1.x gives label ids, named label_3, label_5" in result.output
    assert spans_by_annotator(app)["user2"] == [("label_3", 18, 24), ("label_5", 28, 34)]
