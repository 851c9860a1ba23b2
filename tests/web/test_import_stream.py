"""Imports stream a file in batches inside its one transaction: still all or nothing."""

import io
import json

import pytest

from annotator.cli.main import main
from annotator.transfer import importing


def documents(client) -> dict:
    return client.get("/api/documents").json


def write_lines(path, records) -> None:
    path.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")


@pytest.fixture
def small_batches(monkeypatch):
    """Batches of two documents, so a short file spans several."""
    monkeypatch.setattr(importing, "BATCH_SIZE", 2)


def test_a_bad_last_line_refuses_every_batch_before_it(runner, client, tmp_path, small_batches):
    source = tmp_path / "long.jsonl"
    records = [{"id": f"d{i}", "text": f"Text number {i}."} for i in range(7)]
    source.write_text("".join(json.dumps(r) + "\n" for r in records) + "{oops\n")
    result = runner.invoke(main, ["import", str(source)])
    assert result.exit_code == 1 and "long.jsonl:8: not JSON" in result.output
    assert documents(client)["total"] == 3  # the seeds only


def test_a_label_the_schema_lacks_late_in_the_file_refuses_it_all(
    runner, client, tmp_path, small_batches
):
    person = [{"start": 0, "end": 6, "label": "PERSON"}]
    records = [{"text": f"Maduro {i}.", "spans": person} for i in range(5)]
    records.append({"text": "Acme.", "spans": [{"start": 0, "end": 4, "label": "COMPANY"}]})
    write_lines(tmp_path / "late.jsonl", records)
    result = runner.invoke(main, ["import", str(tmp_path / "late.jsonl")])
    assert result.exit_code == 1 and "labels the schema lacks: COMPANY (1)" in result.output
    assert documents(client)["total"] == 3


def test_a_text_repeated_in_a_later_batch_is_one_document_with_merged_spans(
    runner, client, tmp_path, small_batches
):
    text = "Maduro met Guaidó."
    records = [
        {"id": "m", "text": text, "spans": [{"start": 0, "end": 6, "label": "PERSON"}]},
        {"text": "Another text."},
        {"text": "A third text."},
        {"text": text, "spans": [{"start": 0, "end": 6, "label": "PERSON"}]},
        {"text": text, "spans": [{"start": 11, "end": 17, "label": "PERSON"}]},
    ]
    write_lines(tmp_path / "repeat.jsonl", records)
    result = runner.invoke(main, ["import", str(tmp_path / "repeat.jsonl")])
    assert result.exit_code == 0, result.output
    assert "3 documents added, 0 already there; 2 spans added, 1 already there" in result.output
    spans = client.get("/api/documents/m").json["spans"]
    assert sorted((s["start"], s["end"]) for s in spans) == [(0, 6), (11, 17)]


def test_an_option_value_the_format_does_not_take_is_a_usage_error(runner, tmp_path):
    source = tmp_path / "tasks.json"
    source.write_text('[{"data": {"text": "x"}}]')
    result = runner.invoke(main, ["import", "--offsets", "graphemes", str(source)])
    assert result.exit_code == 2
    assert "label-studio: offsets must be one of code-points, utf-16" in result.output


def test_the_web_form_offers_each_declared_option_and_refuses_a_wrong_value(client):
    page = client.get("/import").text
    for name in ("rejected", "skip_unsupported", "text_column", "offsets", "text_key"):
        assert f'name="{name}"' in page
    data = {"files": [(io.BytesIO(b'[{"data": {"text": "x"}}]'), "t.json")]}
    data["offsets"] = "graphemes"
    refused = client.post(
        "/import", data=data, headers={"HX-Request": "true"}, content_type="multipart/form-data"
    )
    assert refused.status_code == 422
    assert "label-studio: offsets must be one of code-points, utf-16" in refused.text
