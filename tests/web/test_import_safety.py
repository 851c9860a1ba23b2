"""Hostile import files (issue 7): each is refused by file and line, with nothing of it written,
and never with a traceback or a 500."""

import io

import pytest

from annotator.cli.main import main

DEEP = "[" * 50000 + "]" * 50000
HX = {"HX-Request": "true"}


def run(runner, *args):
    return runner.invoke(main, list(args), catch_exceptions=False)


def total(client) -> int:
    return client.get("/api/documents").json["total"]


def upload(client, files):
    data = {"files": [(io.BytesIO(content), name) for name, content in files]}
    return client.post("/import", data=data, headers=HX, content_type="multipart/form-data")


DEEP_FILES = {
    "jsonl": ("deep.jsonl", '{"text": "x", "meta": {"a": ' + DEEP + "}}\n"),
    "prodigy": ("deep.jsonl", '{"text": "x", "meta": {"a": ' + DEEP + "}}\n"),
    "doccano": ("deep.jsonl", '{"text": "x", "label": [], "meta": ' + DEEP + "}\n"),
    "hf": ("deep.jsonl", '{"tokens": ["x"], "ner_tags": ' + DEEP + "}\n"),
    "label-studio": ("deep.json", '[{"data": {"text": "x"}, "meta": ' + DEEP + "}]"),
    None: ("deep.jsonl", '{"text": "x", "meta": {"a": ' + DEEP + "}}\n"),
}


@pytest.mark.parametrize("format_name", list(DEEP_FILES), ids=str)
def test_deeply_nested_json_is_refused_by_line(runner, client, tmp_path, format_name):
    before = total(client)
    name, content = DEEP_FILES[format_name]
    source = tmp_path / name
    source.write_text(content)
    chosen = ["--format", format_name] if format_name else []
    result = run(runner, "import", *chosen, str(source))
    assert result.exit_code == 1
    assert f"{source}:1: JSON nested too deeply" in result.output
    assert total(client) == before


def test_deeply_nested_json_upload_is_refused_not_a_500(client):
    before = total(client)
    name, content = DEEP_FILES["jsonl"]
    response = upload(client, [(name, content.encode())])
    assert response.status_code < 500
    assert "JSON nested too deeply" in response.text
    assert total(client) == before
