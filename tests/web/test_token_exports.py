"""Exports of the token formats through the CLI: HF label ids from the schema in every split,
spaCy exports past one file's worth of documents."""

import json

from annotator.cli.main import main
from annotator.formats import hf
from annotator.formats import spacy_docbin
from tests.web.test_cli_formats import HEADLINES
from tests.web.test_cli_formats import run


def test_hf_label_map_is_the_schemas_in_every_split(runner, tmp_path):
    run(runner, "import", "--add-labels", HEADLINES)
    out = tmp_path / "data.jsonl"
    split = "train=0.6,dev=0.2,test=0.2"
    run(runner, "export", "--format", "hf", "--split", split, "--seed", "3", "--out", out)
    schema = run(runner, "schema", "show").output
    maps = {
        name: json.loads((tmp_path / f"data.{name}.labels.json").read_text(encoding="utf-8"))
        for name in ("train", "dev", "test")
    }
    assert maps["train"] == maps["dev"] == maps["test"]
    labels = [name[2:] for name in maps["train"][1::2]]
    assert maps["train"] == hf.tag_names(labels)
    assert all(f'"{label}"' in schema for label in labels)
    assert {"ORG", "PERSON", "LOCATION"} <= set(labels)
    rows = [
        row
        for name in maps
        for row in map(json.loads, (tmp_path / f"data.{name}.jsonl").read_text().splitlines())
    ]
    manifest = json.loads((tmp_path / "data.jsonl.manifest.json").read_text())
    assert len(rows) == sum(counts["documents"] for counts in manifest["counts"].values())
    assert len({row["id"] for row in rows}) == len(rows)  # each document in one split


def test_spacy_export_past_one_file_is_a_folder_that_imports_back(runner, tmp_path, monkeypatch):
    monkeypatch.setattr(spacy_docbin, "DOCS_PER_FILE", 40)
    run(runner, "import", "--add-labels", HEADLINES)
    out = tmp_path / "docs.spacy"
    run(runner, "export", "--format", "spacy", "--out", out)
    files = sorted(out.glob("*.spacy"))
    documents = [doc for path in files for doc in spacy_docbin.read(path)]
    manifest = json.loads((out / "manifest.json").read_text())
    assert len(files) > 1
    assert all(len(list(spacy_docbin.read(path))) <= 40 for path in files)
    assert len(documents) == manifest["counts"]["all"]["documents"]
    assert sorted(manifest["files"]) == sorted(map(str, files))
    result = runner.invoke(main, ["--db", f"sqlite:///{tmp_path / 'b.db'}", "import",
                                  "--format", "spacy", "--add-labels", str(out)])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert f"imported {len(documents)} documents" in result.output


def test_a_failed_export_leaves_no_file_in_any_format(runner, tmp_path, monkeypatch):
    from annotator.transfer import dataset_export

    run(runner, "import", "--add-labels", HEADLINES)
    real = dataset_export.documents_of

    def failing(records):
        for index, document in enumerate(real(records)):
            if index == 5:
                raise RuntimeError("the database went away")
            yield document

    monkeypatch.setattr(dataset_export, "documents_of", failing)
    for format_name in ("prodigy", "doccano", "label-studio", "csv", "conll", "hf", "spacy"):
        out = tmp_path / format_name / "data.out"
        result = runner.invoke(main, ["export", "--format", format_name, "--out", str(out)])
        assert result.exit_code != 0, format_name
        assert list((tmp_path / format_name).iterdir()) == [], format_name
