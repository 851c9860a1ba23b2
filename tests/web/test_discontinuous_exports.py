"""Formats that hold only contiguous spans get a discontinuous span as its fragments, never
as its extent (which would label the gap), and the export says so."""

import json

import pytest

from tests.web.test_cli import run

TEXT = "New and old York city."
RECORD = {
    "id": "f1",
    "text": TEXT,
    "annotator": "alice",
    "spans": [{"start": 0, "end": 16, "label": "GPE", "fragments": [[0, 3], [12, 16]]}],
}


@pytest.fixture
def imported(runner, app, tmp_path):
    path = tmp_path / "f1.jsonl"
    path.write_text(json.dumps(RECORD) + "\n")
    run(runner, "import", str(path))


def test_conll_tags_the_fragments_not_the_gap(runner, imported, tmp_path):
    out = tmp_path / "out.conll"
    result = run(runner, "export", "--format", "conll", "--out", str(out))
    assert "f1: discontinuous GPE [0, 16) written as 2 spans, one per fragment" in result.output
    block = out.read_text().split("-DOCSTART-")[-1]
    tags = dict(line.split()[:2] for line in block.splitlines() if len(line.split()) >= 2)
    assert tags["New"] == "B-GPE" and tags["York"] == "B-GPE"
    assert tags["and"] == "O" and tags["old"] == "O"


def test_hf_tags_the_fragments_not_the_gap(runner, imported, tmp_path):
    out = tmp_path / "out.jsonl"
    run(runner, "export", "--format", "hf", "--out", str(out))
    labels = json.loads((tmp_path / "out.labels.json").read_text())
    row = next(json.loads(line) for line in out.read_text().splitlines() if '"f1"' in line)
    tags = dict(zip(row["tokens"], (labels[tag] for tag in row["ner_tags"]), strict=True))
    assert tags["New"] == "B-GPE" and tags["York"] == "B-GPE"
    assert tags["and"] == "O" and tags["old"] == "O"
