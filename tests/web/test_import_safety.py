"""Hostile import files (issue 7): each is refused by file and line, with nothing of it written,
and never with a traceback or a 500."""

import io
import json
import zipfile

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


def write_lines(path, *lines: str):
    path.write_text("".join(line + "\n" for line in lines))
    return path


@pytest.mark.parametrize(
    ("content", "name", "expected"),
    [
        (
            '{"text": "a\\ud800b"}',
            "lone.jsonl",
            r"the text holds a lone surrogate (\ud800) at offset 1",
        ),
        ('{"text": "ok", "title": "\\udfff"}', "lone.jsonl", r"the title holds a lone surrogate"),
        (
            '{"text": "ok", "meta": {"k": "\\ud800"}}',
            "lone.jsonl",
            r"the meta holds a lone surrogate",
        ),
        ('[{"data": {"text": "Alpha\\ud800"}}]', "lone.json", "the text holds a lone surrogate"),
        ('{"text": "x\\udc00y", "spans": []}', "lone.jsonl", "lone surrogate"),
    ],
    ids=["jsonl-text", "jsonl-title", "jsonl-meta", "label-studio", "prodigy"],
)
def test_a_lone_surrogate_is_refused_by_line(runner, client, tmp_path, content, name, expected):
    before = total(client)
    source = tmp_path / name
    source.write_text(content + "\n")
    result = run(runner, "import", str(source))
    assert result.exit_code == 1, result.output
    assert str(source) in result.output and expected in result.output
    assert "codec" not in result.output and "Usage" not in result.output
    assert total(client) == before


def test_one_id_with_two_texts_is_refused_naming_both_places(runner, client, tmp_path):
    before = total(client)
    source = write_lines(
        tmp_path / "dup.jsonl",
        '{"id": "x", "text": "Alpha one.", "spans": [{"start": 0, "end": 5, "label": "PERSON"}]}',
        '{"id": "x", "text": "Beta two two.",'
        ' "spans": [{"start": 5, "end": 8, "label": "PERSON"}]}',
    )
    result = run(runner, "import", str(source))
    assert result.exit_code == 1
    assert f"{source}:2: document id 'x' is already used by a different text" in result.output
    assert f"(at {source}:1)" in result.output
    assert total(client) == before


def test_two_brat_files_of_one_name_are_refused_naming_both(runner, client, tmp_path):
    before = total(client)
    for folder, text in (("a", "Alpha one."), ("b", "Beta two two.")):
        (tmp_path / "corpus" / folder).mkdir(parents=True)
        (tmp_path / "corpus" / folder / "x.txt").write_text(text)
        (tmp_path / "corpus" / folder / "x.ann").write_text("T1\tPERSON 0 4\t" + text[:4] + "\n")
    result = run(runner, "import", "--format", "brat", str(tmp_path / "corpus"))
    assert result.exit_code == 1
    assert "document id 'x' is already used by a different text" in result.output
    assert "a/x" in result.output and "b/x" in result.output
    assert total(client) == before


def test_the_same_text_under_a_second_id_is_merged_and_said(runner, client, tmp_path):
    source = write_lines(
        tmp_path / "merge.jsonl",
        '{"id": "x1", "text": "Merged text here."}',
        '{"id": "y1", "text": "Merged text here.", "title": "Y"}',
    )
    result = run(runner, "import", str(source))
    assert result.exit_code == 0
    assert "y1: same text as x1, merged into x1" in result.output


@pytest.mark.parametrize(
    "document_id",
    ["a/b", "..", ".", "tab\there", "x" * 257, "back\\slash", ""],
    ids=["slash", "dotdot", "dot", "control", "too-long", "backslash", "empty"],
)
def test_ids_the_pages_cannot_open_are_refused(runner, client, tmp_path, document_id):
    before = total(client)
    source = tmp_path / "ids.jsonl"
    source.write_text(json.dumps({"id": document_id, "text": "Some text."}) + "\n")
    result = run(runner, "import", str(source))
    assert result.exit_code == 1
    assert f"{source}:1: document id" in result.output
    assert "a document id is 1 to 256 characters" in result.output
    assert len(result.output) < 1000  # a long id is not echoed whole
    assert total(client) == before


def test_a_file_name_that_breaks_the_id_rule_is_refused(runner, client, tmp_path):
    source = tmp_path / "tab\there.txt"  # the id would be "tab\there"
    source.write_text("Some text.")
    result = run(runner, "import", str(source))
    assert result.exit_code == 1
    assert "a document id is 1 to 256 characters" in result.output


@pytest.mark.parametrize("text", ["", "   ", "\n\r\n\t"], ids=["empty", "spaces", "breaks"])
def test_an_empty_text_is_refused(runner, client, tmp_path, text):
    before = total(client)
    source = tmp_path / "empty.jsonl"
    source.write_text(json.dumps({"text": text}) + "\n")
    result = run(runner, "import", str(source))
    assert result.exit_code == 1
    assert f"{source}:1: the text is empty or only whitespace" in result.output
    assert total(client) == before


def test_a_text_over_the_limit_is_refused(runner, client, tmp_path, monkeypatch):
    monkeypatch.setenv("ANNOTATOR_MAX_DOCUMENT_CHARS", "100")
    source = tmp_path / "long.jsonl"
    source.write_text(json.dumps({"text": "word " * 30}) + "\n")
    result = run(runner, "import", str(source))
    assert result.exit_code == 1
    assert "the text has 150 characters, over the limit of 100 characters" in result.output
    assert "ANNOTATOR_MAX_DOCUMENT_CHARS" in result.output


def brat_zip(path, members: dict[str, str | bytes]):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return path


def test_a_zip_bomb_is_refused_naming_member_and_limit(runner, client, tmp_path, monkeypatch):
    monkeypatch.setenv("ANNOTATOR_MAX_ZIP_RATIO", "50")
    before = total(client)
    source = brat_zip(tmp_path / "bomb.zip", {"x.txt": "a" * (4 * 2**20), "x.ann": ""})
    result = run(runner, "import", str(source))
    assert result.exit_code == 1
    assert "member 'x.txt' unpacks to" in result.output
    assert "ANNOTATOR_MAX_ZIP_RATIO" in result.output
    assert total(client) == before


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("ANNOTATOR_MAX_ZIP_MEMBER_BYTES", "100", "member 'x.txt' unpacks to 200 bytes"),
        ("ANNOTATOR_MAX_ZIP_TOTAL_BYTES", "150", "the zip unpacks to more than the limit of 150"),
        ("ANNOTATOR_MAX_ZIP_MEMBERS", "1", "the zip has 2 members, over the limit of 1"),
    ],
    ids=["member", "total", "count"],
)
def test_zip_limits(runner, client, tmp_path, monkeypatch, variable, value, expected):
    monkeypatch.setenv(variable, value)
    before = total(client)
    source = brat_zip(tmp_path / "corpus.zip", {"x.txt": "word " * 40, "x.ann": ""})
    result = run(runner, "import", "--format", "brat", str(source))
    assert result.exit_code == 1
    assert expected in result.output and variable in result.output
    assert total(client) == before


def test_zip_members_out_of_the_archive_are_skipped_and_said(runner, client, tmp_path):
    source = brat_zip(
        tmp_path / "corpus.zip",
        {
            "../evil.txt": "Evil text.",
            "/abs.txt": "Absolute text.",
            "good.txt": "Good text.",
            "good.ann": "T1\tPERSON 0 4\tGood\n",
        },
    )
    result = run(runner, "import", str(source))
    assert result.exit_code == 0, result.output
    assert "skipped member '../evil.txt': its path leads out of the archive" in result.output
    assert "skipped member '/abs.txt'" in result.output
    assert client.get("/api/documents/good").status_code == 200
    assert client.get("/api/documents/evil").status_code == 404


def test_a_line_over_the_limit_is_refused_by_line(runner, client, tmp_path, monkeypatch):
    monkeypatch.setenv("ANNOTATOR_MAX_LINE_BYTES", "1000")
    before = total(client)
    source = write_lines(
        tmp_path / "long.jsonl", '{"text": "ok"}', json.dumps({"text": "a" * 3000})
    )
    result = run(runner, "import", str(source))
    assert result.exit_code == 1
    assert f"{source}:2: the line is longer than the limit of 1000 bytes" in result.output
    assert len(result.output) < 1000
    assert total(client) == before


def test_a_hugging_face_row_over_the_line_limit_is_refused_by_line(
    runner, client, tmp_path, monkeypatch
):
    # The HF reader had a line loop of its own, without the limit: a long row was read whole.
    monkeypatch.setenv("ANNOTATOR_MAX_LINE_BYTES", "1000")
    before = total(client)
    row = {"tokens": ["Acme"], "ner_tags": ["B-ORG"]}
    source = write_lines(
        tmp_path / "rows.jsonl", json.dumps(row), json.dumps({**row, "tokens": ["a" * 3000]})
    )
    result = run(runner, "import", "--format", "hf", "--add-labels", str(source))
    assert result.exit_code == 1
    assert f"{source}:2: the line is longer than the limit of 1000 bytes" in result.output
    assert len(result.output) < 1000
    assert total(client) == before


def test_links_out_of_an_imported_folder_are_skipped_and_said(runner, client, tmp_path):
    outside = tmp_path / "secret.txt"
    outside.write_text("Secret text.")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "good.txt").write_text("Good text.")
    (corpus / "good.ann").write_text("T1\tPERSON 0 4\tGood\n")
    (corpus / "leak.txt").symlink_to(outside)
    result = run(runner, "import", "--format", "brat", str(corpus))
    assert result.exit_code == 0, result.output
    assert f"{corpus / 'leak.txt'}: skipped, a link to a file outside the folder" in result.output
    assert client.get("/api/documents/leak").status_code == 404


def test_a_folder_of_only_outside_links_is_refused_not_silently_empty(runner, client, tmp_path):
    outside = tmp_path / "secret.ann"
    outside.write_text("")
    (tmp_path / "secret.txt").write_text("Secret text.")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "leak.ann").symlink_to(outside)
    (corpus / "leak.txt").symlink_to(tmp_path / "secret.txt")
    result = run(runner, "import", "--format", "brat", str(corpus))
    assert result.exit_code == 1
    assert "skipped, a link to a file outside the folder" in result.output


def test_uploads_keep_their_names_and_do_not_collide(client):
    response = upload(client, [("ä.txt", b"Umlaut text."), ("a.txt", b"Plain text.")])
    assert response.status_code == 200, response.text
    assert client.get("/api/documents/ä").json["text"] == "Umlaut text."
    assert client.get("/api/documents/a").json["text"] == "Plain text."


def test_an_upload_named_with_a_folder_keeps_only_its_name(client):
    response = upload(client, [("../../etc/x.txt", b"Some text.")])
    assert response.status_code == 200, response.text
    assert client.get("/api/documents/x").json["text"] == "Some text."


def test_an_upload_refusal_does_not_show_the_temporary_folder(client):
    response = upload(client, [("empty.jsonl", b'{"text": " "}\n')])
    assert response.status_code == 422
    assert "empty.jsonl:1: the text is empty or only whitespace" in response.text
    assert "annotator-upload-" not in response.text


DISCONTINUOUS = "Bank of big America"  # fragments "Bank" [0, 4) and "America" [12, 19)


@pytest.mark.parametrize(
    ("own_text", "accepted"),
    [
        ("Bank of big America", True),  # the whole extent: what our export writes
        ("Bank America", True),  # the fragments joined by a space: what brat writes
        ("Totally different", False),
    ],
    ids=["extent", "joined", "wrong"],
)
def test_a_discontinuous_span_text_is_checked(runner, client, tmp_path, own_text, accepted):
    before = total(client)
    span = {"start": 0, "end": 19, "label": "ORG", "text": own_text}
    span["fragments"] = [[0, 4], [12, 19]]
    source = tmp_path / "frag.jsonl"
    source.write_text(json.dumps({"id": "frag", "text": DISCONTINUOUS, "spans": [span]}) + "\n")
    result = run(runner, "import", str(source))
    if accepted:
        assert result.exit_code == 0, result.output
    else:
        assert result.exit_code == 1
        assert f"{source}:1: span 0: text 'Totally different' matches neither" in result.output
        assert total(client) == before


@pytest.mark.parametrize(
    "fragments", [[[0.0, 4], [12, 19]], [["0", "4"], [12, 19]], [[0, 4.7], [12, 19]]]
)
def test_fragments_must_be_whole_numbers(runner, client, tmp_path, fragments):
    before = total(client)
    span = {"start": 0, "end": 19, "label": "ORG", "fragments": fragments}
    source = tmp_path / "frag.jsonl"
    source.write_text(json.dumps({"id": "frag", "text": DISCONTINUOUS, "spans": [span]}) + "\n")
    result = run(runner, "import", str(source))
    assert result.exit_code == 1
    assert f'{source}:1: "fragments" must be [[start, end], ...] of whole numbers' in result.output
    assert total(client) == before


@pytest.mark.parametrize(
    ("score", "shown"),
    [
        ("1e999", "inf"),
        ("NaN", "nan"),
        ('"high"', "'high'"),
        ("-Infinity", "-inf"),
        ("true", "True"),
    ],
    ids=["overflow", "nan", "string", "minus-infinity", "bool"],
)
def test_a_suggestion_score_must_be_a_finite_number(runner, client, tmp_path, score, shown):
    before = total(client)
    source = tmp_path / "scores.jsonl"
    suggestion = '{"start": 0, "end": 4, "label": "ORG", "score": ' + score + "}"
    source.write_text('{"id": "s", "text": "Bank text.", "suggestions": [' + suggestion + "]}\n")
    result = run(runner, "import", str(source))
    assert result.exit_code == 1, result.output
    assert f"{source}:1: suggestion 0: score {shown} is not a finite number" in result.output
    assert "Traceback" not in result.output
    assert total(client) == before


def test_a_label_studio_prediction_score_must_be_finite(runner, client, tmp_path):
    before = total(client)
    region = {
        "id": "r1",
        "from_name": "label",
        "to_name": "text",
        "type": "labels",
        "value": {"start": 0, "end": 4, "labels": ["ORG"]},
    }
    task = '[{"data": {"text": "Bank text."}, "predictions": [{"score": 1e999, "result": [%s]}]}]'
    source = tmp_path / "tasks.json"
    source.write_text(task % json.dumps(region))
    result = run(runner, "import", "--format", "label-studio", str(source))
    assert result.exit_code == 1, result.output
    assert "region r1: score inf is not a finite number" in result.output
    assert total(client) == before


@pytest.mark.parametrize("key", ["spans", "suggestions"])
def test_a_span_on_another_layer_than_its_label_is_refused(runner, client, tmp_path, key):
    before = total(client)
    span = {"start": 0, "end": 4, "label": "PERSON", "layer": "stance"}
    source = tmp_path / "layer.jsonl"
    source.write_text(json.dumps({"id": "layer", "text": "Mary spoke.", key: [span]}) + "\n")
    result = run(runner, "import", str(source))
    assert result.exit_code == 1, result.output
    assert f"{source}:1: {key[:-1]} 0: layer 'stance' is not the layer of label 'PERSON'" in (
        result.output
    )
    assert "which is 'entity'" in result.output
    assert total(client) == before


def test_unknown_keys_are_kept_in_meta_and_counted(runner, client, tmp_path):
    source = tmp_path / "extra.jsonl"
    record = {"id": "extra", "text": "Extra keys.", "url": "https://example.org", "lang": "en"}
    source.write_text(json.dumps(record) + "\n")
    result = run(runner, "import", str(source))
    assert result.exit_code == 0, result.output
    assert "kept in the documents' metadata: 2 fields" in result.output
    kept = client.get("/api/documents/extra").json["meta"]["kept"]
    assert kept == {"fields": [{"url": "https://example.org"}, {"lang": "en"}]}


@pytest.mark.parametrize(
    ("format_name", "content", "expected"),
    [
        ("conll", "word" * 50_000 + "\n", "expected a token and a tag, got 'word"),
        ("conll", "Mary " + "X" * 50_000 + "\n", "invalid tag 'XXX"),
        ("conll", "Mary|B-PER " + "y" * 50_000 + "\n", "(50011 characters)"),
        ("csv", "a,b," + ",".join(f"c{i}" for i in range(100_000)) + "\nx,y\n", "no text"),
        ("csv", "text," + "h" * 50_000 + ",text\nx,y,z\n", "row 1: column 'text' appears more"),
    ],
    ids=["conll-row", "conll-tag", "conll-item", "csv-columns", "csv-column"],
)
def test_messages_do_not_echo_a_huge_line(runner, client, tmp_path, format_name, content, expected):
    source = tmp_path / "huge.txt"
    source.write_text(content)
    result = run(runner, "import", "--format", format_name, str(source))
    assert result.exit_code == 1, result.output[:500]
    assert len(result.output) < 2000, result.output[:500]
    assert expected in result.output


def test_links_out_of_a_folder_of_text_files_are_skipped_and_said(runner, client, tmp_path):
    outside = tmp_path / "secret.txt"
    outside.write_text("Secret text.")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "kept.txt").write_text("Kept text.")
    (corpus / "leak.txt").symlink_to(outside)
    result = run(runner, "import", str(corpus))
    assert result.exit_code == 0, result.output
    assert f"{corpus / 'leak.txt'}: skipped, a link to a file outside the folder" in result.output
    assert client.get("/api/documents/leak").status_code == 404
    assert client.get("/api/documents/kept").status_code == 200


def test_a_zip_of_text_files_says_which_formats_read_zips(runner, client, tmp_path):
    source = brat_zip(tmp_path / "texts.zip", {"a.txt": "Alpha text.", "b.txt": "Beta text."})
    result = run(runner, "import", str(source))
    assert result.exit_code == 1
    assert "a zip is read only as brat (.txt + .ann) or doccano" in result.output
    assert "unpack it and import the folder" in result.output


@pytest.mark.parametrize(
    "record",
    [
        '{"text": "Alpha one.", "spans": [{"start": 0, "end": 5, "label": "P\\ud800"}]}',
        '{"text": "Alpha one.", "suggestions": '
        '[{"start": 0, "end": 5, "label": "PERSON", "source": "m\\ud800"}]}',
    ],
    ids=["label", "source"],
)
@pytest.mark.parametrize("add_labels", [[], ["--add-labels"]], ids=["plain", "add-labels"])
def test_a_lone_surrogate_in_a_label_or_source_is_refused(
    runner, client, tmp_path, record, add_labels
):
    before = total(client)
    source = tmp_path / "lone.jsonl"
    source.write_text(record + "\n")
    result = run(runner, "import", *add_labels, str(source))
    assert result.exit_code == 1, result.output
    assert f"{source}:1: " in result.output
    assert "span 0: the label holds a lone surrogate" in result.output or (
        "suggestion 0: the source holds a lone surrogate" in result.output
    )
    assert total(client) == before


def test_an_id_stored_for_another_text_is_refused(runner, client, tmp_path):
    first = write_lines(tmp_path / "first.jsonl", '{"id": "kept1", "text": "First text."}')
    assert run(runner, "import", str(first)).exit_code == 0
    before = total(client)
    second = write_lines(tmp_path / "second.jsonl", '{"id": "kept1", "text": "Other text."}')
    result = run(runner, "import", str(second))
    assert result.exit_code == 1
    assert (
        "document id 'kept1' is already used by a different text (stored before this import)"
        in (result.output)
    )
    assert total(client) == before
    assert client.get("/api/documents/kept1").json["text"] == "First text."


def test_a_conll_document_too_big_to_be_one_is_refused_while_read(
    runner, app, tmp_path, monkeypatch
):
    from annotator.cli.main import main

    monkeypatch.setenv("ANNOTATOR_MAX_DOCUMENT_CHARS", "1000")
    path = tmp_path / "huge.conll"
    path.write_text("-DOCSTART- -X- O O\n\n" + "Word O\n" * 5000)
    result = runner.invoke(main, ["import", "--format", "conll", str(path)])
    assert result.exit_code == 1
    assert (
        f"{path}:2: the document from this line is over 4000 characters of CoNLL" in result.output
    )
    assert "ANNOTATOR_MAX_DOCUMENT_CHARS" in result.output
