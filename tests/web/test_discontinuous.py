"""A discontinuous span covers its fragments only: its gaps stay free, on import and in the
browser's API alike."""

import json

from tests.web.test_cli import run

TEXT = "Angela Merkel met the Bank of France in Paris yesterday."
BANK_OF_FRANCE = {
    "start": 22,
    "end": 36,
    "label": "ORG",
    "fragments": [[22, 26], [30, 36]],
}


def import_records(runner, tmp_path, spans):
    path = tmp_path / "gap.jsonl"
    record = {"id": "gap", "text": TEXT, "annotator": "alice", "spans": spans}
    path.write_text(json.dumps(record) + "\n")
    return run(runner, "import", str(path))


def test_an_entity_in_the_gap_is_imported(runner, client, tmp_path):
    of = {"start": 27, "end": 29, "label": "PERSON"}
    import_records(runner, tmp_path, [BANK_OF_FRANCE, of])
    spans = client.get("/api/documents/gap").json["spans"]
    assert [(s["start"], s["end"], s["label"]) for s in spans] == [
        (22, 36, "ORG"),
        (27, 29, "PERSON"),
    ]


def test_a_span_in_the_gap_of_a_stored_one_can_be_made(runner, client, tmp_path):
    import_records(runner, tmp_path, [BANK_OF_FRANCE])
    made = client.post("/api/documents/gap/spans", json={"start": 27, "end": 29, "label": "GPE"})
    assert made.status_code == 201, made.json
    across = client.post("/api/documents/gap/spans", json={"start": 27, "end": 32, "label": "GPE"})
    assert across.status_code == 422
    assert "overlaps ORG [22, 36)" in across.json["error"]
