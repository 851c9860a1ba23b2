"""Preparing training data through the CLI (issue 7): one label map per export, exports that
import back as the format they are, splits that stay put, counts of what was written, and
export files readable like any other file."""

import builtins
import json
import os
import stat
import sys
from collections import Counter
from pathlib import Path

import pytest

from annotator.cli.main import main
from annotator.formats import hf
from annotator.transfer.exporting import default_export_path
from tests.web.test_cli_formats import run

SPLIT = "train=0.8,dev=0.1,test=0.1"
PLACES = ["Caracas", "Bogotá", "Quito", "Lima", "La Paz"]
WRITTEN_FORMATS = (
    "jsonl",
    "prodigy",
    "doccano",
    "label-studio",
    "brat",
    "conll",
    "spacy",
    "hf",
    "csv",
)


def corpus_line(number: int) -> dict:
    """A document with spans on all three layers, two of them overlapping claims."""
    place = PLACES[number % len(PLACES)]
    text = f"Maduro met Guaidó in {place} on day {number}."
    claim_end = len(f"Maduro met Guaidó in {place}")
    spans = [
        {"start": 0, "end": 6, "label": "PERSON"},
        {"start": 11, "end": 17, "label": "PERSON"},
        {"start": 21, "end": 21 + len(place), "label": "GPE"},
        {"start": 0, "end": 17, "label": "FAVOR"},
        {"start": 0, "end": 17, "label": "CLAIM"},
        {"start": 0, "end": claim_end, "label": "CLAIM"},
    ]
    return {"id": f"doc-{number:03d}", "text": text, "spans": spans}


def import_corpus(runner, tmp_path: Path, numbers, *db) -> None:
    """Import corpus_line(n) for every n, as one native file."""
    source = tmp_path / f"corpus-{min(numbers)}-{max(numbers)}.jsonl"
    lines = (json.dumps(corpus_line(n), ensure_ascii=False) for n in numbers)
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    run(runner, *db, "import", source)


def split_file(out: Path, name: str) -> Path:
    """Where a split of out is written."""
    return out.with_name(f"{out.stem}.{name}{out.suffix}")


def stored_spans(runner, tmp_path: Path, *db) -> dict[str, set]:
    """text -> {(start, end, label)} as the database holds them (read from a JSONL export)."""
    out = tmp_path / f"check-{len(list(tmp_path.iterdir()))}.jsonl"
    run(runner, *db, "export", "--out", out)
    found: dict[str, set] = {}
    for line in out.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        spans = {(s["start"], s["end"], s["label"]) for s in record["spans"]}
        found.setdefault(record["text"], set()).update(spans)
    return found


def test_label_maps_come_from_the_schema_and_are_the_same_in_every_split(runner, tmp_path):
    import_corpus(runner, tmp_path, range(6))
    schema_entities = ["PERSON", "ORG", "GPE", "NORP", "LOC", "DATE", "EVENT"]
    for format_name, suffix in (("hf", ".jsonl"), ("conll", ".conll"), ("spacy", ".spacy")):
        out = tmp_path / format_name / f"data{suffix}"
        run(runner, "export", "--format", format_name, "--split", "a=0.5,b=0.5", "--out", out)
        manifest = json.loads(out.with_name(out.name + ".manifest.json").read_text())
        assert manifest["labels"]["entity"] == schema_entities, format_name
        if format_name == "hf":
            maps = [json.loads(hf.labels_path(split_file(out, n)).read_text()) for n in "ab"]
            assert maps[0] == maps[1] == hf.tag_names(schema_entities) == manifest["tags"]
        if format_name == "conll":
            tags = {
                line.split("\t")[1]
                for name in "ab"
                for line in split_file(out, name).read_text().splitlines()
                if "\t" in line
            }
            assert tags <= set(manifest["tags"])
            assert manifest["tags"][:3] == ["O", "B-PERSON", "I-PERSON"]
        if format_name == "spacy":
            from annotator.formats import spacy_docbin

            written = {
                (span.layer, span.label)
                for name in "ab"
                for document in spacy_docbin.read(split_file(out, name))
                for span in document.spans
            }
            labels = manifest["labels"]
            assert written <= {(layer, n) for layer in labels for n in labels[layer]}
            assert {"stance", "claim"} <= set(manifest["labels"])


@pytest.mark.parametrize("format_name", WRITTEN_FORMATS)
def test_every_export_imports_back_recognised_as_its_own_format(runner, tmp_path, format_name):
    import_corpus(runner, tmp_path, range(8))
    original = stored_spans(runner, tmp_path)
    out = default_export_path(tmp_path / "out", format_name)
    run(runner, "export", "--format", format_name, "--out", out)
    fresh = ["--db", f"sqlite:///{tmp_path / 'fresh.db'}"]
    result = run(runner, *fresh, "import", out)
    assert f"({format_name} 1)" in result.output
    imported = stored_spans(runner, tmp_path, *fresh)

    def entities(found: dict[str, set]) -> dict[str, set]:
        return {text: {s for s in found[text] if s[2] in ("PERSON", "GPE")} for text in found}

    if format_name == "csv":  # texts only
        assert set(imported) == set(original)
    elif format_name == "conll":  # tokens joined by spaces: the same labels per document
        labels = [sorted(s[2] for s in spans) for spans in entities(imported).values()]
        want = [sorted(s[2] for s in spans) for spans in entities(original).values()]
        assert sorted(labels) == sorted(want)
    elif format_name == "hf":  # one layer
        assert imported == entities(original)
    else:
        assert imported == original


def test_a_format_error_names_the_format_it_was_read_as(runner, tmp_path):
    task = {"text": "Maduro spoke.", "tokens": [{"text": "Maduro", "start": 9, "end": 2, "id": 0}]}
    source = tmp_path / "tasks.jsonl"
    source.write_text(json.dumps(task) + "\n")
    result = runner.invoke(main, ["import", str(source)])
    assert result.exit_code != 0
    assert "read as prodigy" in result.output


def test_an_unknown_layer_is_refused_naming_the_layers(runner, tmp_path):
    import_corpus(runner, tmp_path, range(3))
    for format_name in ("conll", "hf"):
        out = tmp_path / format_name / "data.out"
        result = runner.invoke(
            main, ["export", "--format", format_name, "--layer", "entitiy", "--out", str(out)]
        )
        assert result.exit_code != 0, format_name
        assert "entitiy" in result.output and "entity, stance, claim" in result.output
        assert not out.parent.exists() or list(out.parent.iterdir()) == []


def test_counts_are_those_of_the_written_files(runner, tmp_path):
    import_corpus(runner, tmp_path, range(4))
    out = tmp_path / "claims.conll"
    args = ["export", "--format", "conll", "--layer", "claim", "--overlap", "longest"]
    result = run(runner, *args, "--out", out)
    tags = Counter(line.split("\t")[1] for line in out.read_text().splitlines() if "\t" in line)
    manifest = json.loads((tmp_path / "claims.conll.manifest.json").read_text())
    assert (
        manifest["counts"]["all"]
        == {"documents": 4, "CLAIM": tags["B-CLAIM"]}
        == {
            "documents": 4,
            "CLAIM": 4,
        }
    )
    assert "all: 4 lines; CLAIM 4" in result.output
    out = tmp_path / "entities.jsonl"
    result = run(runner, "export", "--format", "hf", "--out", out)
    manifest = json.loads((tmp_path / "entities.jsonl.manifest.json").read_text())
    assert manifest["counts"]["all"] == {"documents": 4, "PERSON": 8, "GPE": 4}
    assert "FAVOR" not in result.output and "CLAIM" not in result.output
    out = tmp_path / "texts.csv"
    result = run(runner, "export", "--format", "csv", "--out", out)
    assert "all: 4 lines\n" in result.output
    manifest = json.loads((tmp_path / "texts.csv.manifest.json").read_text())
    assert manifest["counts"]["all"] == {"documents": 4}


def test_an_empty_split_is_refused_naming_it(runner, tmp_path):
    import_corpus(runner, tmp_path, range(3))
    out = tmp_path / "data.jsonl"
    result = runner.invoke(main, ["export", "--split", SPLIT, "--out", str(out)])
    assert result.exit_code != 0
    assert "split 'dev'" in result.output or "split 'test'" in result.output
    assert "--split" in result.output  # a suggestion of shares that fit
    assert list(tmp_path.glob("data*")) == []


def test_the_export_page_refuses_an_empty_split_and_an_unknown_layer(client):
    form = {"format": "jsonl", "split": "train=0.999,test=0.001"}
    response = client.post("/export", data=form, headers={"HX-Request": "true"})
    assert response.status_code == 422 and "test&#39; would get none of the 3" in response.text
    form = {"format": "hf", "layer": "entitiy"}
    response = client.post("/export", data=form, headers={"HX-Request": "true"})
    assert response.status_code == 422 and "unknown layer" in response.text


def test_documents_keep_their_split_as_the_corpus_grows(runner, tmp_path):
    import_corpus(runner, tmp_path, range(40))
    out = tmp_path / "data.jsonl"
    args = ["export", "--split", "train=0.6,dev=0.2,test=0.2", "--seed", "5", "--out", out]

    def splits() -> dict[str, str]:
        run(runner, *args)
        return {
            json.loads(line)["id"]: name
            for name in ("train", "dev", "test")
            for line in split_file(out, name).read_text().splitlines()
        }

    before = splits()
    import_corpus(runner, tmp_path, range(40, 100))
    after = splits()
    assert len(after) == 100
    assert {doc: after[doc] for doc in before} == before
    assert 45 <= Counter(after.values())["train"] <= 75


def test_spacy_missing_is_one_line_naming_the_install_command(runner, tmp_path, monkeypatch):
    import_corpus(runner, tmp_path, range(2))
    for name in [name for name in sys.modules if name == "spacy" or name.startswith("spacy.")]:
        monkeypatch.delitem(sys.modules, name)
    real_import = builtins.__import__

    def without_spacy(name, *args, **kwargs):
        if name == "spacy" or name.startswith("spacy."):
            raise ImportError(f"No module named {name!r}")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", without_spacy)
    out = tmp_path / "docs.spacy"
    result = runner.invoke(main, ["export", "--format", "spacy", "--out", str(out)])
    assert result.exit_code != 0
    assert result.output.strip().splitlines() == [
        "Error: spaCy is not installed: pip install -e '.[spacy]'"
    ]
    assert not out.exists()


@pytest.mark.parametrize("format_name", WRITTEN_FORMATS)
def test_every_export_file_gets_a_plain_files_mode(runner, tmp_path, format_name, monkeypatch):
    from annotator.formats import spacy_docbin

    monkeypatch.setattr(spacy_docbin, "DOCS_PER_FILE", 2)  # spaCy: a folder of files
    import_corpus(runner, tmp_path, range(3))
    previous = os.umask(0o022)
    try:
        out = default_export_path(tmp_path / "out", format_name)
        run(runner, "export", "--format", format_name, "--out", out)
    finally:
        os.umask(previous)
    written = [p for p in (tmp_path / "out").rglob("*")]
    assert written
    for path in written:
        want = 0o755 if path.is_dir() else 0o644
        assert stat.S_IMODE(path.stat().st_mode) == want, path


def test_a_multi_file_import_reports_each_file(runner, tmp_path):
    good = tmp_path / "good.jsonl"
    good.write_text(json.dumps(corpus_line(1)) + "\n")
    broken = tmp_path / "broken.jsonl"
    broken.write_text(json.dumps(corpus_line(2)) + "\n{not json\n")
    later = tmp_path / "later.jsonl"
    later.write_text(json.dumps(corpus_line(3)) + "\n")
    result = runner.invoke(main, ["import", str(good), str(broken), str(later)])
    assert result.exit_code != 0
    assert f"{good} (jsonl): 1 documents added" in result.output
    assert f"{later} (jsonl): 1 documents added" in result.output
    assert f"{broken} (jsonl): refused" in result.output
    assert f"read as jsonl: {broken}:2: not JSON" in result.output
    assert "nothing of that file was imported" in result.output
    assert len(stored_spans(runner, tmp_path)) == 2
