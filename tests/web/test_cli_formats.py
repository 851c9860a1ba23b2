"""The CLI's interchange options: splits, manifests, suggestions, Prodigy answers, raw text."""

import hashlib
import json
from pathlib import Path

import pytest

from annotator.cli.main import main

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
HEADLINES = FIXTURES / "prodigy" / "annotated_news_headlines-ORG-PERSON-LOCATION-ner.jsonl"
REDDIT = FIXTURES / "prodigy" / "annotated_reddit-PRODUCT-ner.first500.jsonl"


def run(runner, *args):
    result = runner.invoke(main, [str(arg) for arg in args])
    assert result.exit_code == 0, result.output
    return result


def test_split_is_by_document_deterministic_and_has_a_manifest(runner, tmp_path):
    run(runner, "import", "--add-labels", HEADLINES)
    out = tmp_path / "data.jsonl"
    args = ["export", "--split", "train=0.8,dev=0.1,test=0.1", "--seed", "7", "--out", out]
    run(runner, *args)
    parts = {
        name: (tmp_path / f"data.{name}.jsonl").read_text() for name in ("train", "dev", "test")
    }
    texts = {
        name: {json.loads(line)["text"] for line in part.splitlines()}
        for name, part in parts.items()
    }
    assert not (
        texts["train"] & texts["dev"]
        or texts["train"] & texts["test"]
        or texts["dev"] & texts["test"]
    )
    total = sum(len(t) for t in texts.values())
    assert 0.75 < len(texts["train"]) / total < 0.85
    manifest = json.loads((tmp_path / "data.jsonl.manifest.json").read_text())
    assert manifest["format"] == "jsonl" and manifest["split"] == "train=0.8,dev=0.1,test=0.1"
    assert "--seed 7" in manifest["command"] and manifest["project_version"]
    for path, digest in manifest["files"].items():
        assert hashlib.sha256(Path(path).read_bytes()).hexdigest() == digest
    assert manifest["counts"]["train"]["documents"] == len(parts["train"].splitlines())
    assert '[[layer]]\nname = "entity"' in manifest["schema"]
    first = {name: part for name, part in parts.items()}
    run(runner, *args)  # the same seed gives the same split
    assert {n: (tmp_path / f"data.{n}.jsonl").read_text() for n in first} == first


def test_suggestions_never_count_until_accepted(runner, client, tmp_path):
    line = {
        "id": "s1",
        "text": "Maduro met Guaidó.",
        "spans": [{"start": 0, "end": 6, "label": "PERSON", "score": 0.9}],
    }
    source = tmp_path / "predictions.jsonl"
    source.write_text(json.dumps(line) + "\n")
    result = run(runner, "import", "--as-suggestions", "--source", "model-a", source)
    assert "0 spans and 1 suggestions" in result.output
    assert client.get("/api/documents/s1").json["spans"] == []
    out = tmp_path / "out.jsonl"
    run(runner, "export", "--out", out)
    exported = [
        json.loads(line) for line in out.read_text().splitlines() if json.loads(line)["id"] == "s1"
    ]
    assert exported[0]["spans"] == []


def rejected_in(path: Path) -> set[tuple]:
    """The (text, start, end, label) a Prodigy file answers reject or ignore, read directly:
    a span's own answer overrides its task's."""
    rejected = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            task = json.loads(line)
            for span in task.get("spans", []):
                if span.get("answer", task.get("answer", "accept")) in ("reject", "ignore"):
                    rejected.add((task["text"], span["start"], span["end"], span["label"]))
    return rejected


@pytest.mark.parametrize("rejected", ["keep", "drop"])
def test_prodigy_rejects_are_kept_apart_or_dropped(runner, app, rejected):
    from sqlalchemy import func
    from sqlalchemy import select

    from annotator.db.session import engine_of
    from annotator.db.session import session_scope
    from annotator.models.suggestions import Suggestion

    run(runner, "import", "--add-labels", "--rejected", rejected, REDDIT)
    with session_scope(engine_of(app)) as session:
        stored = session.execute(
            select(func.count()).select_from(Suggestion).where(Suggestion.status == "rejected")
        ).scalar_one()
    expected = len(rejected_in(REDDIT)) if rejected == "keep" else 0
    assert expected > 0 or rejected == "drop"
    assert stored == expected


def test_rejected_drop_imports_a_file_whose_rejects_use_a_label_the_schema_lacks(
    runner, client, tmp_path
):
    """--rejected drop reaches the Prodigy reader: the dropped answers' labels do not count."""
    tasks = [
        {"text": "Maduro spoke.", "spans": [{"start": 0, "end": 6, "label": "PERSON"}]},
        {
            "text": "Maduro spoke.",
            "answer": "reject",
            "spans": [{"start": 0, "end": 6, "label": "DICTATOR"}],
        },
    ]
    source = tmp_path / "answers.jsonl"
    source.write_text("".join(json.dumps(task) + "\n" for task in tasks), encoding="utf-8")
    refused = runner.invoke(main, ["import", "--format", "prodigy", str(source)])
    assert refused.exit_code == 1 and "DICTATOR (1)" in refused.output
    result = run(runner, "import", "--format", "prodigy", "--rejected", "drop", source)
    assert "1 spans and 0 suggestions" in result.output
    documents = client.get("/api/documents?q=Maduro spoke").json["documents"]
    assert [d["title"] for d in documents] == ["Maduro spoke."]


def test_raw_text_crlf_bom_and_decomposed_accents_come_back_byte_exact(runner, client, tmp_path):
    text = "Zoe\u0301 said\r\n“hi” to Nicolás.\r\n"
    (tmp_path / "exact.txt").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    run(runner, "import", tmp_path / "exact.txt")
    start = text.index("Nicolás")
    client.post(
        "/api/documents/exact/spans", json={"start": start, "end": start + 7, "label": "PERSON"}
    )
    out = tmp_path / "out.jsonl"
    run(runner, "export", "--out", out)
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    record = next(r for r in records if r["id"] == "exact")
    assert record["text"] == text
    assert record["spans"][0]["start"] == start and record["spans"][0]["text"] == "Nicolás"


def test_utf16_csv_with_a_chosen_text_column(runner, client, tmp_path):
    content = 'id,body,topic\r\nc1,"Caracas, Venezuela\r\nsecond line",news\r\n'
    (tmp_path / "rows.csv").write_bytes("\ufeff".encode("utf-16-le") + content.encode("utf-16-le"))
    result = run(runner, "import", "--text-column", "body", tmp_path / "rows.csv")
    assert "(csv)" in result.output
    document = client.get("/api/documents/c1").json
    assert document["text"] == "Caracas, Venezuela\r\nsecond line"
    assert document["meta"]["topic"] == "news"


def test_html_is_reduced_to_its_text(runner, client, tmp_path):
    page = (
        "<html><head><title>T</title><script>x()</script></head><body>"
        "<nav>Home</nav><article><p>Maduro &amp; {{free_limit}}</p></article></body></html>"
    )
    (tmp_path / "page.html").write_text(page)
    run(runner, "import", tmp_path / "page.html")
    assert client.get("/api/documents/page").json["text"] == "Maduro & {{free_limit}}"


def test_token_format_overlaps_fail_naming_each_or_keep_the_longest(runner, client, tmp_path):
    text = client.get("/api/documents/001_c9f05260d45702f5").json["text"]
    start = text.index("Sergei Lavrov")
    client.post(
        "/api/documents/001_c9f05260d45702f5/spans",
        json={"start": start, "end": start + 13, "label": "CLAIM"},
    )
    client.post(
        "/api/documents/001_c9f05260d45702f5/spans",
        json={"start": start, "end": start + 6, "label": "CLAIM"},
    )
    failed = runner.invoke(
        main,
        ["export", "--format", "conll", "--layer", "claim", "--out", str(tmp_path / "c.conll")],
    )
    assert failed.exit_code == 1
    assert "001_c9f05260d45702f5" in failed.output and "'Sergei Lavrov'" in failed.output
    kept = run(
        runner,
        "export",
        "--format",
        "conll",
        "--layer",
        "claim",
        "--overlap",
        "longest",
        "--out",
        tmp_path / "c.conll",
    )
    assert "dropped CLAIM" in kept.output
    assert "B-CLAIM" in (tmp_path / "c.conll").read_text()


def test_hugging_face_export_loads_with_datasets(runner, client, tmp_path, monkeypatch):
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    client.post(
        "/api/documents/000_51c87e8e1bb75467/spans", json={"start": 46, "end": 55, "label": "GPE"}
    )
    out = tmp_path / "hf.jsonl"
    run(runner, "export", "--format", "hf", "--out", out)
    import datasets

    loaded = datasets.load_dataset(
        "json", data_files=str(out), split="train", cache_dir=str(tmp_path / "cache")
    )
    labels = json.loads((tmp_path / "hf.labels.json").read_text())
    row = next(r for r in loaded if r["id"] == "000_51c87e8e1bb75467")
    tagged = [
        token
        for token, tag in zip(row["tokens"], row["ner_tags"], strict=True)
        if labels[tag] != "O"
    ]
    assert tagged == ["Venezuela"]


def test_doccano_per_annotator_folder_keeps_each_annotator(runner, client, tmp_path):
    folder = tmp_path / "doccano-export"
    folder.mkdir()
    line = '{{"text": "EU rejects German call.", "label": [[0, 2, "{label}"]]}}\n'
    (folder / "alice.jsonl").write_text(line.format(label="ORG"))
    (folder / "bob.jsonl").write_text(line.format(label="GPE"))
    result = run(runner, "import", folder)
    assert "(doccano)" in result.output and "1 documents added" in result.output
    out = tmp_path / "out.jsonl"
    run(runner, "export", "--out", out)
    records = [json.loads(line) for line in out.read_text().splitlines()]
    by_annotator = {
        r["annotator"]: r["spans"][0]["label"] for r in records if r["text"].startswith("EU")
    }
    assert by_annotator == {"alice": "ORG", "bob": "GPE"}
