"""The `annotator` command through click's runner, on the test database."""

import json
from pathlib import Path

import pytest

from annotator.cli.main import main

TRICKY = "Zoe\u0301 said “hi” 👩‍👩‍👧 🇻🇪\r\nin Caracas.\r\n"


def run(runner, *args):
    return runner.invoke(main, list(args), catch_exceptions=False)


def documents(client):
    return client.get("/api/documents").json


def write_jsonl(path: Path, *records) -> Path:
    path.write_text("\n".join(json.dumps(record, ensure_ascii=False) for record in records) + "\n")
    return path


def test_import_txt_keeps_bytes_exactly(runner, client, tmp_path):
    source = tmp_path / "tricky.txt"
    source.write_bytes(b"\xef\xbb\xbf" + TRICKY.encode("utf-8"))  # BOM: dropped, nothing else
    result = run(runner, "import", str(source))
    assert result.exit_code == 0, result.output
    assert "1 documents added" in result.output
    assert client.get("/api/documents/tricky").json["text"] == TRICKY


def test_import_folder_and_same_text_twice(runner, client, tmp_path):
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "a.txt").write_text("Alpha text.")
    (tmp_path / "corpus" / "b.txt").write_text("Beta text.")
    (tmp_path / "corpus" / "notes.md").write_text("ignored: not a corpus file")
    assert "imported 2 documents" in run(runner, "import", str(tmp_path / "corpus")).output
    again = run(runner, "import", str(tmp_path / "corpus"))
    assert "imported 0 documents" in again.output and "1 already there" in again.output
    assert documents(client)["total"] == 5


def test_import_jsonl_with_spans(runner, client, tmp_path):
    text = "Maduro met Guaidó in Caracas."
    source = write_jsonl(
        tmp_path / "docs.jsonl",
        {
            "id": "d1",
            "title": "Meeting",
            "text": text,
            "meta": {"url": "https://example.org/a"},
            "spans": [
                {"start": 0, "end": 6, "label": "PERSON", "text": "Maduro"},
                {"start": 21, "end": 28, "label": "GPE"},
            ],
        },
        {"text": "No id, no title.\nSecond line."},
    )
    result = run(runner, "import", str(source))
    assert result.exit_code == 0, result.output
    assert "2 spans added" in result.output
    detail = client.get("/api/documents/d1").json
    assert detail["title"] == "Meeting" and detail["meta"] == {"url": "https://example.org/a"}
    assert [(s["label"], s["text"]) for s in detail["spans"]] == [
        ("PERSON", "Maduro"),
        ("GPE", "Caracas"),
    ]
    titles = {row["title"] for row in documents(client)["documents"]}
    assert "No id, no title." in titles


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"text": "fine"}\n{"text": "broken"\n', "bad.jsonl:2: not JSON"),
        (b'{"text": "fine"}\n\n{"title": "no text"}\n', 'bad.jsonl:3: missing "text"'),
        (b'{"text": "fine"}\n[1, 2]\n', "bad.jsonl:2: expected a JSON object"),
        (
            b'{"text": "abc", "spans": [{"start": 0, "end": 9, "label": "ORG"}]}\n',
            "bad.jsonl:1: span 0: end 9 is past the end of the text (length 3)",
        ),
        (
            b'{"text": "abc", "spans": [{"start": 0, "end": 2, "label": "SPORT"}]}\n',
            "bad.jsonl: labels the schema lacks: SPORT (1); add them with --add-labels",
        ),
        (
            b'{"text": "abc", "spans": [{"start": 0, "end": 2, "label": "ORG", "text": "bc"}]}\n',
            "bad.jsonl:1: span 0: text 'bc' does not match the text at [0, 2): 'ab'",
        ),
        (
            b'{"text": "abcdef", "spans": [{"start": 0, "end": 3, "label": "ORG"},'
            b' {"start": 2, "end": 5, "label": "GPE"}]}\n',
            "bad.jsonl:1: span 1: GPE [2, 5) overlaps ORG [0, 3)",
        ),
        (b'{"text": "caf\xe9"}\n', "bad.jsonl: not UTF-8 (byte 0xe9 at position 13)"),
    ],
    ids=["json", "no-text", "not-object", "range", "label", "span-text", "overlap", "utf8"],
)
def test_bad_file_is_refused_whole_and_named(runner, client, tmp_path, content, message):
    source = tmp_path / "bad.jsonl"
    source.write_bytes(content)
    result = runner.invoke(main, ["import", str(source)])
    assert result.exit_code == 1
    assert message in result.output
    assert "nothing of that file was imported" in result.output
    assert documents(client)["total"] == 3  # only the seeds: "fine" was not written


def test_not_utf8_text_file_is_named(runner, tmp_path):
    source = tmp_path / "latin1.txt"
    source.write_bytes("Bogotá".encode("latin-1"))
    result = runner.invoke(main, ["import", str(source)])
    assert result.exit_code == 1
    assert "latin1.txt: not UTF-8" in result.output


def test_unknown_file_type(runner, tmp_path):
    source = tmp_path / "data.xyz"
    source.write_text("a,b")
    result = runner.invoke(main, ["import", str(source)])
    assert result.exit_code == 1
    assert "data.xyz: cannot tell its format; name it with --format" in result.output


def test_export_then_import_into_a_fresh_database_is_unchanged(
    runner, client, tmp_path, monkeypatch
):
    text = client.get("/api/documents/000_51c87e8e1bb75467").json["text"]
    start = text.index("Nicolás Maduro")
    client.post(
        "/api/documents/000_51c87e8e1bb75467/spans",
        json={"start": start, "end": start + 14, "label": "PERSON"},
    )
    client.post("/api/documents/000_51c87e8e1bb75467/status", json={"status": "done"})
    patterns = tmp_path / "patterns.jsonl"
    patterns.write_text('{"label": "GPE", "pattern": "Caracas"}\n')
    assert run(runner, "suggest", "--patterns", str(patterns)).exit_code == 0
    client.post("/suggestions/1/reject", headers={"HX-Request": "true"})
    first = tmp_path / "first.jsonl"
    assert run(runner, "export", "--out", str(first)).exit_code == 0

    monkeypatch.setenv("ANNOTATOR_DATABASE_URL", f"sqlite:///{tmp_path / 'fresh.sqlite3'}")
    result = run(runner, "import", str(first))
    assert result.exit_code == 0, result.output
    second = tmp_path / "second.jsonl"
    run(runner, "export", "--out", str(second))
    assert second.read_text(encoding="utf-8") == first.read_text(encoding="utf-8")
    records = [json.loads(line) for line in first.read_text(encoding="utf-8").splitlines()]
    done = next(r for r in records if r["id"] == "000_51c87e8e1bb75467")
    assert done["status"] == "done" and done["spans"][0]["text"] == "Nicolás Maduro"
    suggested = [s for r in records for s in r.get("suggestions", [])]
    assert {(s["text"], s["source"]) for s in suggested} == {("Caracas", "patterns:patterns.jsonl")}
    assert sorted(s["status"] for s in suggested) == ["pending"] * (len(suggested) - 1) + [
        "rejected"
    ]


def test_export_default_path_prints_it(runner, app, client):
    result = run(runner, "export")
    path = Path(result.output.strip().splitlines()[-1])
    assert path.name.startswith("annotations-") and path.suffix == ".jsonl"
    assert len(path.read_text().splitlines()) == 3
    path.unlink()


def test_export_stops_on_a_span_that_no_longer_matches(runner, app, client, tmp_path):
    from sqlalchemy import update

    from annotator.db.session import engine_of
    from annotator.db.session import session_scope
    from annotator.models.documents import Document

    client.post(
        "/api/documents/001_c9f05260d45702f5/spans", json={"start": 0, "end": 7, "label": "NORP"}
    )
    with session_scope(engine_of(app)) as session:
        session.execute(update(Document).values(text="X" + Document.text))
        session.commit()
    out = tmp_path / "out.jsonl"
    result = runner.invoke(main, ["export", "--out", str(out)])
    assert result.exit_code == 1
    assert "document '001_c9f05260d45702f5': span [0, 7) NORP" in result.output
    assert not out.exists() and list(tmp_path.glob(".export-*")) == []


def test_schema_show_prints_toml(runner, app):
    result = run(runner, "schema", "show")
    assert '[[layer]]\nname = "entity"' in result.output
    assert 'name = "CLAIM"' in result.output


def test_schema_load_adds_labels_and_refuses_dropping_used_ones(runner, app, client, tmp_path):
    shown = run(runner, "schema", "show").output
    extended = tmp_path / "extended.toml"
    extended.write_text(
        shown + '\n[[layer.label]]\nname = "MONEY"\ncolor = "#cccccc"\nhotkey = "c"\n'
    )
    assert "12 labels" in run(runner, "schema", "load", str(extended)).output
    assert 'name = "MONEY"' in run(runner, "schema", "show").output
    created = client.post(
        "/api/documents/001_c9f05260d45702f5/spans", json={"start": 0, "end": 7, "label": "MONEY"}
    )
    assert created.status_code == 201  # the running app saw the new label
    result = runner.invoke(main, ["schema", "load", str(tmp_path / "missing.toml")])
    assert result.exit_code == 2
    shrunk = tmp_path / "shrunk.toml"
    shrunk.write_text(shown)
    refused = runner.invoke(main, ["schema", "load", str(shrunk)])
    assert refused.exit_code == 1
    assert "drops labels that spans still use: MONEY (1 spans)" in refused.output
    assert 'name = "MONEY"' in run(runner, "schema", "show").output


def test_schema_load_says_what_it_added_changed_and_dropped(runner, app, tmp_path):
    shown = run(runner, "schema", "show").output
    assert 'name = "NORP"' in shown and 'color = "#d8b4fe"' in shown
    edited = tmp_path / "edited.toml"
    edited.write_text(
        shown.replace('color = "#d8b4fe"', 'color = "#000000"', 1)
        + '\n[[layer.label]]\nname = "MONEY"\ncolor = "#cccccc"\n'
    )
    assert "added: MONEY; changed: " in run(runner, "schema", "load", str(edited)).output
    shrunk = tmp_path / "shrunk.toml"
    shrunk.write_text(shown)  # no MONEY, and NORP's colour back
    output = run(runner, "schema", "load", str(shrunk)).output
    assert "changed: NORP (color)" in output
    assert "dropped (no span or suggestion used them): MONEY" in output
    assert "no label changed" in run(runner, "schema", "load", str(shrunk)).output


def test_schema_load_refuses_to_forbid_overlaps_that_are_stored(runner, app, client, tmp_path):
    seed = "001_c9f05260d45702f5"
    for start, end in ((0, 30), (10, 40)):
        body = {"start": start, "end": end, "label": "CLAIM"}
        assert client.post(f"/api/documents/{seed}/spans", json=body).status_code == 201
    shown = run(runner, "schema", "show").output
    assert shown.count("allow_overlap = true") == 1  # the claim layer
    strict = tmp_path / "strict.toml"
    strict.write_text(shown.replace("allow_overlap = true", "allow_overlap = false"))
    refused = runner.invoke(main, ["schema", "load", str(strict)])
    assert refused.exit_code == 1
    assert "the claim layer would forbid overlapping spans" in refused.output
    assert f"{seed}: CLAIM [0, 30) / CLAIM [10, 40)" in refused.output
    assert "allow_overlap = true" in run(runner, "schema", "show").output
    spans = client.get(f"/api/documents/{seed}").json["spans"]
    client.delete(f"/api/spans/{spans[1]['id']}")
    loaded = run(runner, "schema", "load", str(strict)).output
    assert "claim layer: overlapping spans now forbidden" in loaded


def test_schema_load_names_the_bad_line(runner, app, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[[layer]]\nname = "entity"\ncolour = "red"\n')
    result = runner.invoke(main, ["schema", "load", str(bad)])
    assert result.exit_code == 1
    assert "bad.toml:3:" in result.output and "colour" in result.output


def test_db_option_and_python_dash_m(tmp_path):
    import subprocess
    import sys

    url = f"sqlite:///{tmp_path / 'other.sqlite3'}"
    result = subprocess.run(
        [sys.executable, "-m", "annotator", "--db", url, "schema", "show"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert 'name = "PERSON"' in result.stdout
    assert (tmp_path / "other.sqlite3").exists()
