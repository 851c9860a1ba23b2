"""Every format through the real CLI and database: export(import(file)) keeps every span.

For each format the file is read with the format's own reader (the reference), imported with
`annotator import`, exported with `annotator export --format` in the same format, and read
again: the texts and the (text, start, end, label) multiset must be the same.
"""

import json
from collections import Counter
from pathlib import Path

import pytest

from annotator.cli.main import main
from annotator.formats import registry
from annotator.formats.records import Annotation
from annotator.formats.records import DocumentRecord

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
TRICKY_TEXT = "Zoe\u0301 met 👩‍👩‍👧 in 🇻🇪 “Caracas”.\r\nMaduro 😀 spoke\r\nof Guaidó."
TRICKY_WORDS = [
    ("Zoe\u0301", "PERSON"),
    ("Caracas", "GPE"),
    ("Maduro", "PERSON"),
    ("Guaidó", "PERSON"),
]

SAMPLES = [
    ("prodigy", FIXTURES / "prodigy" / "annotated_news_headlines-ORG-PERSON-LOCATION-ner.jsonl"),
    ("prodigy", FIXTURES / "prodigy" / "ner_tweets_demo.jsonl"),
    ("doccano", FIXTURES / "doccano" / "export_examples" / "sequence_labeling" / "example.jsonl"),
    ("doccano", FIXTURES / "doccano" / "import_tests" / "relation_extraction" / "example.jsonl"),
    ("label-studio", FIXTURES / "label_studio" / "named_entity" / "annotations" / "1.json"),
    ("brat", FIXTURES / "brat" / "brat_tutorial_news"),
    ("conll", FIXTURES / "conll" / "ner-token-per-line-conll2003.iob"),
    ("conll", FIXTURES / "conll" / "ner-sent-per-line.iob"),
    ("spacy", FIXTURES / "spacy" / "demo.spacy"),
]
OUTPUTS = {"brat": "out", "spacy": "out.spacy", "label-studio": "out.json", "conll": "out.conll"}


def read(format_name: str, path: Path) -> list[DocumentRecord]:
    options = {"skip_unsupported": True} if format_name == "brat" else {}
    return list(registry.spec(format_name).read(path, **options))


def span_multiset(documents: list[DocumentRecord]) -> Counter:
    return Counter(
        (document.text, span.start, span.end, span.label)
        for document in documents
        for span in document.spans
    )


def round_trip(runner, tmp_path: Path, format_name: str, source: Path) -> list[DocumentRecord]:
    imported = runner.invoke(
        main,
        ["import", "--format", format_name, "--add-labels", "--skip-unsupported", str(source)],
    )
    assert imported.exit_code == 0, imported.output
    out = tmp_path / OUTPUTS.get(format_name, "out.jsonl")
    exported = runner.invoke(main, ["export", "--format", format_name, "--out", str(out)])
    assert exported.exit_code == 0, exported.output
    return read(format_name, out)


@pytest.fixture
def empty_runner(runner, tmp_path, monkeypatch):
    """A runner on a database without the seed articles (so only the file's texts are there)."""
    monkeypatch.setenv("ANNOTATOR_DATABASE_URL", f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    runner.invoke(main, ["schema", "show"])  # creates the database and its schema, no seeds
    return runner


@pytest.mark.parametrize(
    ("format_name", "source"), SAMPLES, ids=[f"{f}-{p.stem}" for f, p in SAMPLES]
)
def test_real_samples_survive_import_and_export(empty_runner, tmp_path, format_name, source):
    original = read(format_name, source)
    again = round_trip(empty_runner, tmp_path, format_name, source)
    assert {d.text for d in again} == {d.text for d in original}
    assert span_multiset(again) == span_multiset(original)
    assert sum(span_multiset(original).values()) > 0


def tricky_document() -> DocumentRecord:
    spans = []
    for word, label in TRICKY_WORDS:
        start = TRICKY_TEXT.index(word)
        spans.append(Annotation(start, start + len(word), label, layer="entity"))
    return DocumentRecord(text=TRICKY_TEXT, id="tricky", spans=spans)


@pytest.mark.parametrize(
    "format_name",
    ["jsonl", "prodigy", "doccano", "label-studio", "brat", "spacy", "conll", "hf"],
)
def test_emoji_zwj_combining_marks_and_crlf_survive(empty_runner, tmp_path, format_name):
    source = tmp_path / (
        "in" if format_name == "brat" else "in" + Path(OUTPUTS.get(format_name, "x.jsonl")).suffix
    )
    if format_name == "jsonl":
        document = tricky_document()
        record = {
            "id": "tricky",
            "text": TRICKY_TEXT,
            "spans": [{"start": s.start, "end": s.end, "label": s.label} for s in document.spans],
        }
        source.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    else:
        registry.spec(format_name).write([tricky_document()], source)
    original = read(format_name, source)
    again = round_trip(empty_runner, tmp_path, format_name, source)
    if format_name in ("conll", "hf"):  # token formats keep tokens, not whitespace
        assert [(d.text[s.start : s.end], s.label) for d in again for s in d.spans] == [
            (d.text[s.start : s.end], s.label) for d in original for s in d.spans
        ]
    else:
        assert [d.text for d in again] == [TRICKY_TEXT]
        assert span_multiset(again) == span_multiset(original)
    texts = sorted(d.text[s.start : s.end] for d in again for s in d.spans)
    assert texts == sorted(word for word, _ in TRICKY_WORDS)
